"""What can be checked of deploy/ here: systemd units, crontab, Dockerfile, compose, Kubernetes.

There is no Docker engine or cluster in CI: the image and manifests are parsed and their
shape checked; the units go through `systemd-analyze` where it exists. nginx.conf runs
under a real nginx in test_serve_nginx.py (`nginx -t` first).
"""

from __future__ import annotations

import configparser
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
UNITS = sorted((DEPLOY / "systemd").iterdir())
INSTALLED = "/opt/syndicator/.venv/bin/syndicator"
HARDENING = {
    "NoNewPrivileges": "yes",
    "ProtectSystem": "strict",
    "ProtectHome": "yes",
    "PrivateTmp": "yes",
    "CapabilityBoundingSet": "",
    "User": "syndicator",
    "StateDirectory": "syndicator",
}


def unit(path: Path) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser(strict=False, empty_lines_in_values=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(path.read_text(encoding="utf-8"))
    return parser


def documents(name: str) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all((DEPLOY / name).read_text(encoding="utf-8")) if d]


def test_systemd_units_verify_cleanly(tmp_path: Path) -> None:
    """`systemd-analyze verify` accepts every unit with no warning (the syndicator binary
    path pointed at this checkout's)."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    here = str(Path(sys.executable).parent / "syndicator")
    for path in UNITS:
        (tmp_path / path.name).write_text(path.read_text().replace(INSTALLED, here))
    result = subprocess.run(
        [analyze, "verify", "--man=no", *sorted(p.name for p in tmp_path.iterdir())],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and result.stderr == "", result.stderr


def test_services_are_hardened(tmp_path: Path) -> None:
    """Every service runs as the dedicated user with the hardening options, and
    `systemd-analyze security` rates it at most 2.0 (where it can run offline)."""
    services = [p for p in UNITS if p.suffix == ".service"]
    assert {p.name for p in services} >= {"syndicator.service", "syndicator-worker.service"}
    for path in services:
        section = unit(path)["Service"]
        for key, value in HARDENING.items():
            assert section.get(key) == value, (path.name, key)
        assert "EnvironmentFile" in section and "SYNDICATOR_CONFIG" in section["Environment"]
    worker = unit(DEPLOY / "systemd" / "syndicator-worker.service")["Service"]
    assert worker["KillMode"] == "mixed" and int(worker["TimeoutStopSec"]) >= 45
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        return
    here = str(Path(sys.executable).parent / "syndicator")
    for path in services:
        (tmp_path / path.name).write_text(path.read_text().replace(INSTALLED, here))
        result = subprocess.run(
            [analyze, "security", "--offline=true", "--no-pager", path.name],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
        )
        found = re.search(r"Overall exposure level for \S+: (\d+\.\d)", result.stdout)
        if found is None:
            continue  # an older systemd without offline analysis
        assert float(found.group(1)) <= 2.0, (path.name, found.group(1))


def test_each_timer_starts_an_existing_oneshot_service() -> None:
    """A timer runs the service of its own name, a oneshot, and catches up after downtime."""
    timers = [p for p in UNITS if p.suffix == ".timer"]
    assert {p.name for p in timers} == {"syndicator.timer", "syndicator-maintenance.timer"}
    for timer in timers:
        service = timer.with_suffix(".service")
        assert service.exists()
        assert unit(service)["Service"]["Type"] == "oneshot"
        assert unit(timer)["Timer"]["Persistent"] == "true"


def test_crontab_runs_passes_under_flock() -> None:
    """Every cron line is five fields and a command; passes and digests share one flock."""
    lines = [
        line
        for line in (DEPLOY / "crontab").read_text().splitlines()
        if line.strip() and not line.startswith("#") and not re.match(r"^[A-Z_]+=", line)
    ]
    assert lines
    for line in lines:
        fields = line.split(None, 5)
        assert len(fields) == 6 and all(re.fullmatch(r"[\d*/,-]+", f) for f in fields[:5]), line
        if " run " in line or " digest " in line:
            assert "flock" in line and "run.lock" in line, line
    assert any("run --due-only -q" in line for line in lines)
    assert any("db backup" in line and "prune --older-than" in line for line in lines)


def instructions(path: Path) -> list[tuple[str, str]]:
    """A Dockerfile's instructions, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))
    found = []
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            keyword, _, rest = line.strip().partition(" ")
            found.append((keyword.upper(), rest.strip()))
    return found


def test_dockerfile_builds_a_small_non_root_image_with_two_volumes() -> None:
    """Slim base, multi-stage, no remote ADD, runs as a non-root user, database and output
    as volumes, the worker as an exec-form command."""
    steps = instructions(DEPLOY / "Dockerfile")
    keywords = [k for k, _ in steps]
    bases = [rest for k, rest in steps if k == "FROM"]
    assert len(bases) == 2 and all("-slim" in base for base in bases)
    assert "ADD" not in keywords
    user = next(rest for k, rest in steps if k == "USER")
    assert user.split(":")[0] not in ("root", "0")
    assert keywords.index("USER") < keywords.index("CMD")
    volumes = json.loads(next(rest for k, rest in steps if k == "VOLUME"))
    assert volumes == ["/var/lib/syndicator/db", "/var/lib/syndicator/public"]
    assert json.loads(next(rest for k, rest in steps if k == "CMD")) == ["syndicator", "worker"]
    env = " ".join(rest for k, rest in steps if k == "ENV")
    assert "SYNDICATOR_CONFIG=/var/lib/syndicator/sources.yaml" in env
    for _, rest in (s for s in steps if s[0] == "COPY" and "--from" not in s[1]):
        source = rest.split()[-2]
        assert (DEPLOY.parent / source).exists(), source


def test_compose_runs_the_worker_and_nginx_on_shared_volumes() -> None:
    """The worker writes the output volume, nginx serves it read-only with deploy/nginx.conf."""
    (compose,) = documents("docker-compose.yml")
    worker, nginx = compose["services"]["worker"], compose["services"]["nginx"]
    assert (DEPLOY / worker["build"]["context"] / worker["build"]["dockerfile"]).exists()
    assert worker["stop_grace_period"] == "60s" and worker["init"] is True
    assert "database:/var/lib/syndicator/db" in worker["volumes"]
    assert "output:/var/lib/syndicator/public" in worker["volumes"]
    assert "output:/var/www/syndicator:ro" in nginx["volumes"]
    assert "./nginx.conf:/etc/nginx/conf.d/default.conf:ro" in nginx["volumes"]
    assert "root /var/www/syndicator;" in (DEPLOY / "nginx.conf").read_text()
    assert set(compose["volumes"]) == {"database", "output"}


def test_kubernetes_manifests_fit_together() -> None:
    """CronJob (Forbid) and worker Deployment (one replica, Recreate) mount the PVC and the
    ConfigMap that pvc.yaml defines, run non-root, and give SIGTERM time to finish."""
    base = documents("kubernetes/pvc.yaml")
    kinds = {d["kind"]: d for d in base}
    claim = kinds["PersistentVolumeClaim"]["metadata"]["name"]
    configmap = kinds["ConfigMap"]
    assert "database: db/syndicator.db" in configmap["data"]["sources.yaml"]
    yaml.safe_load(configmap["data"]["sources.yaml"])
    (cronjob,) = documents("kubernetes/cronjob.yaml")
    (deployment,) = documents("kubernetes/worker.yaml")
    assert cronjob["kind"] == "CronJob" and cronjob["spec"]["concurrencyPolicy"] == "Forbid"
    assert deployment["kind"] == "Deployment" and deployment["spec"]["replicas"] == 1
    assert deployment["spec"]["strategy"]["type"] == "Recreate"
    pods = [
        cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"],
        deployment["spec"]["template"]["spec"],
    ]
    assert (
        deployment["spec"]["selector"]["matchLabels"].items()
        <= deployment["spec"]["template"]["metadata"]["labels"].items()
    )
    for pod in pods:
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["terminationGracePeriodSeconds"] >= 45
        volumes = {v["name"]: v for v in pod["volumes"]}
        assert volumes["data"]["persistentVolumeClaim"]["claimName"] == claim
        assert volumes["sources"]["configMap"]["name"] == configmap["metadata"]["name"]
        app = pod["containers"][0]
        assert app["args"][:2] in (["syndicator", "run"], ["syndicator", "worker"])
        assert app["securityContext"]["readOnlyRootFilesystem"] is True
        mounts = {m["mountPath"]: m for m in app["volumeMounts"]}
        assert mounts["/var/lib/syndicator/db"]["subPath"] == "db"
        assert mounts["/var/lib/syndicator/public"]["subPath"] == "public"
        assert "/tmp" in mounts
    nginx = pods[1]["containers"][1]
    assert any(
        m["mountPath"] == "/var/www/syndicator" and m["readOnly"] for m in nginx["volumeMounts"]
    )
    assert (
        "kubectl create configmap syndicator-nginx"
        in (DEPLOY / "kubernetes" / "worker.yaml").read_text()
    )

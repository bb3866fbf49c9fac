"""URL helpers shared by every stage: identity keys, tracker removal, stable ids.

Pure functions of strings. `identity_key` is the one place that decides when two URLs
name the same story page; everything that matches or dedupes goes through it.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

# Query parameters that only track the reader; dropped from every URL we publish or compare.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "yclid",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "rb_clickid",
        "s_cid",
        "vero_id",
        "wickedid",
        "ref_src",
        "cmpid",
        "ncid",
        "sr_share",
        "amp",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "__s")

# Domains that are one publisher under two names: the key is folded into the value.
DOMAIN_ALIASES = {
    "defense.gov": "war.gov",
}


def is_tracking_param(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def strip_tracking(url: str) -> str:
    """The URL without tracking parameters; everything else byte for byte."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    kept = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not is_tracking_param(k)
    ]
    return urlunsplit(parts._replace(query=urlencode(kept, doseq=True)))


def absolutize(url: str | None, base: str | None) -> str | None:
    """Resolve `url` against `base`; None for empty, script and data URLs."""
    if not url:
        return None
    url = url.strip()
    if url.lower().startswith(("javascript:", "data:", "vbscript:")):
        return None
    resolved = urljoin(base, url) if base else url
    return resolved if urlsplit(resolved).scheme in ("http", "https", "mailto") else None


def registered_host(url: str) -> str:
    """Host without `www.`/`m.` and with publisher aliases folded (defense.gov -> war.gov)."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    for prefix in ("www.", "m.", "amp."):
        if host.startswith(prefix):
            host = host[len(prefix) :]
            break
    for alias, name in DOMAIN_ALIASES.items():
        if host == alias or host.endswith("." + alias):
            host = host[: -len(alias)] + name
    return host


def identity_key(url: str) -> str:
    """A comparison key: two URLs with one key are the same page.

    Ignores scheme, `www.`, default ports, trailing slashes, fragments, tracking
    parameters and parameter order, and folds known publisher aliases.
    """
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/") or "/"
    query = sorted(
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not is_tracking_param(k)
    )
    port = f":{parts.port}" if parts.port and parts.port not in (80, 443) else ""
    key = registered_host(url) + port + path
    return key + ("?" + urlencode(query) if query else "")


def stable_id(*, url: str | None, guid: str | None, title: str, published: datetime | None) -> str:
    """The id an article keeps for ever: from its URL, else its GUID, else title and date."""
    if url:
        basis = "url:" + identity_key(url)
    elif guid:
        basis = "guid:" + guid.strip()
    else:
        basis = (
            "title:" + title.strip().lower() + "|" + (published.isoformat() if published else "")
        )
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:24]

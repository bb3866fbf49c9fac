"""URL helpers shared by every stage: identity keys, tracker removal, sites, stable ids.

Pure functions of strings. `identity_key` is the one place that decides when two URLs
name the same story page; everything that matches or dedupes goes through it.
Every rule below is data (a set, a dict or a tuple of patterns) so it can grow
without touching the code that applies it.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from datetime import datetime
from functools import cache
from urllib.parse import parse_qsl, unquote, urlencode, urljoin, urlsplit, urlunsplit

from publicsuffixlist import PublicSuffixList

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
        "outputtype",
        "share",
        "via",
        "ito",
        "soc_src",
        "soc_trk",
        "spm",
        "ocid",
        "twclid",
        "ttclid",
        "li_fat_id",
        "guccounter",
        "guce_referrer",
        "guce_referrer_sig",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "__s", "at_", "_ga", "_gl")

# Domains that are one publisher under two names: the key is folded into the value.
DOMAIN_ALIASES = {
    "defense.gov": "war.gov",
}

# Host prefixes that name the same site (mobile and AMP mirrors).
MIRROR_PREFIXES = ("www.", "m.", "amp.", "mobile.")

# Index documents a server also answers for the folder itself.
INDEX_DOCUMENTS = re.compile(r"/(?:index|default)\.(?:html?|php|aspx?|jsp)$", re.IGNORECASE)

# AMP renditions of a page: `/story/amp/`, `/story.amp.html`, `/amp/story`.
AMP_PATHS = (
    (re.compile(r"/amp/?$", re.IGNORECASE), "/"),
    (re.compile(r"\.amp(\.html?)$", re.IGNORECASE), r"\1"),
    (re.compile(r"^/amp/", re.IGNORECASE), "/"),
)

# Path parameters that carry a session, not a page: `/story;jsessionid=ABC`.
SESSION_PATH_PARAMS = re.compile(r";(?:jsessionid|sid|phpsessid)=[^/?#]*", re.IGNORECASE)

# Sites whose article URLs carry a numeric id followed by a slug that may change when the
# headline is edited; the id alone names the page. Registered host -> pattern whose first
# group is the part that names the page. DoD and the services run one CMS (`/Article/<id>/`).
ID_SLUG_RULES: dict[str, re.Pattern[str]] = {
    host: re.compile(r"^(.*?/article/\d+)(?:/[^/]*)?/?$", re.IGNORECASE)
    for host in (
        "war.gov",
        "army.mil",
        "navy.mil",
        "af.mil",
        "marines.mil",
        "spaceforce.mil",
        "uscg.mil",
        "nationalguard.mil",
        "dla.mil",
        "disa.mil",
        "socom.mil",
        "centcom.mil",
        "pacom.mil",
        "eucom.mil",
        "africom.mil",
        "northcom.mil",
        "southcom.mil",
        "spacecom.mil",
    )
} | {
    "dvidshub.net": re.compile(r"^(/(?:news|image|video|publication)/\d+)(?:/[^/]*)?/?$"),
}

# Wrappers that hide the real URL: AMP caches and click redirectors. Host -> (path
# prefix, query parameters that hold the target); an empty parameter tuple means the
# target follows the prefix in the path (`/c/s/www.example.com/story`), over https when
# the prefix ends in `/s/` (AMP's convention) and over http otherwise.
REDIRECTORS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "cdn.ampproject.org": (("/c/s/", ()), ("/v/s/", ()), ("/c/", ()), ("/v/", ())),
    "google.com": (("/amp/s/", ()), ("/amp/", ()), ("/url", ("url", "q"))),
    "l.facebook.com": (("/l.php", ("u",)),),
    "lm.facebook.com": (("/l.php", ("u",)),),
    "out.reddit.com": (("/", ("url",)),),
    "t.umblr.com": (("/redirect", ("z",)),),
    "safelinks.protection.outlook.com": (("/", ("url",)),),
    "linkedin.com": (("/redir/redirect", ("url",)),),
}

# Path segments that mark a listing rather than one story.
LISTING_SEGMENTS = frozenset(
    {
        "tag",
        "tags",
        "category",
        "categories",
        "topic",
        "topics",
        "author",
        "authors",
        "section",
        "sections",
        "search",
        "page",
        "feed",
        "rss",
        "archive",
        "archives",
        "subject",
        "label",
    }
)
# Query parameters that pick one story on sites without story paths (`?p=123`).
STORY_QUERY_PARAMS = frozenset({"p", "id", "story", "storyid", "article", "articleid", "newsid"})
_SLUG_WORDS = re.compile(r"[-_+]")
_YEAR = re.compile(r"(?:19|20)\d\d")
_UNRESERVED_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")


def is_tracking_param(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def strip_tracking(url: str) -> str:
    """The URL without tracking parameters; everything else byte for byte."""
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. "http://[::1": hostile input is returned untouched
        return url
    if not parts.query:
        return url
    kept = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not is_tracking_param(k)
    ]
    return urlunsplit(parts._replace(query=urlencode(kept, doseq=True)))


def absolutize(url: str | None, base: str | None) -> str | None:
    """Resolve `url` against `base`; None for empty, script, data and malformed URLs.

    Never raises: hrefs come from hostile pages, and urllib raises ValueError on some
    ("http://[::1", a port out of range); a base that malformed counts as no base.
    """
    if not url:
        return None
    url = url.strip()
    if url.lower().startswith(("javascript:", "data:", "vbscript:")):
        return None
    try:
        resolved = urljoin(base, url) if base and _parses(base) else url
        parts = urlsplit(resolved)
        parts.port  # noqa: B018 - reading the port is where a bad host or port raises
    except ValueError:
        return None
    return resolved if parts.scheme in ("http", "https", "mailto") else None


def _parses(url: str) -> bool:
    try:
        urlsplit(url).port  # noqa: B018
    except ValueError:
        return False
    return True


def unwrap(url: str) -> str:
    """The page behind an AMP cache or click-redirector URL; other URLs unchanged.

    Unwraps repeatedly (a redirector wrapping an AMP cache URL) but at most a few
    times, so a hostile loop of wrappers cannot keep us busy.
    """
    for _ in range(4):
        inner = _unwrap_once(url)
        if inner is None or inner == url:
            return url
        url = inner
    return url


def _unwrap_once(url: str) -> str | None:
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    host = registered_host(url)
    for wrapper_host, rules in REDIRECTORS.items():
        if host != wrapper_host and not host.endswith("." + wrapper_host):
            continue
        for prefix, params in rules:
            if not parts.path.startswith(prefix):
                continue
            if not params:
                rest = parts.path[len(prefix) :]
                scheme = "https://" if prefix.endswith("/s/") else "http://"
                target = scheme + rest + (f"?{parts.query}" if parts.query else "")
                return target if "." in rest.partition("/")[0] else None
            query = dict(parse_qsl(parts.query))
            for name in params:
                target = query.get(name, "")
                if target.lower().startswith(("http://", "https://")):
                    return target
    return None


def registered_host(url: str) -> str:
    """Host without `www.`/`m.` and with publisher aliases folded (defense.gov -> war.gov)."""
    try:
        host = (urlsplit(url.strip()).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""
    for prefix in MIRROR_PREFIXES:
        if host.startswith(prefix) and host.count(".") > 1:
            host = host[len(prefix) :]
            break
    for alias, name in DOMAIN_ALIASES.items():
        if host == alias or host.endswith("." + alias):
            host = host[: -len(alias)] + name
    return host


@cache
def _public_suffixes() -> PublicSuffixList:
    # The list ships inside the package; parsing it once takes ~0.1 s, so do it lazily.
    return PublicSuffixList()


def site_of(url: str) -> str:
    """The site a URL belongs to: its registrable domain (`news.bbc.co.uk` -> `bbc.co.uk`).

    Addresses and single-label hosts keep their port, so two loopback servers on two
    ports are two sites (as they are in tests and demos).
    """
    host = registered_host(url)
    if not host:
        return ""
    try:
        ipaddress.ip_address(host.strip("[]"))
        is_address = True
    except ValueError:
        is_address = "." not in host
    if is_address:
        try:
            port = urlsplit(url.strip()).port
        except ValueError:
            port = None
        shown = f"[{host}]" if ":" in host else host
        return f"{shown}:{port}" if port else shown
    return _public_suffixes().privatesuffix(host) or host


def same_site(a: str, b: str) -> bool:
    """Whether two URLs live on one site (subdomains, mirrors and aliases included)."""
    site = site_of(a)
    return bool(site) and site == site_of(b)


def identity_key(url: str) -> str:
    """A comparison key: two URLs with one key are the same page.

    Ignores scheme, `www.`, default ports, trailing slashes, fragments, index documents,
    AMP renditions, session path parameters, tracking parameters and parameter order,
    escapes of unreserved characters, the slug after a numeric id on sites that route by
    id, AMP caches and redirectors; and folds known publisher aliases.
    """
    url = unwrap(url.strip())
    try:
        parts = urlsplit(url)
        port = f":{parts.port}" if parts.port and parts.port not in (80, 443) else ""
    except ValueError:
        return url
    host = registered_host(url)
    path = _normal_path(SESSION_PATH_PARAMS.sub("", parts.path))
    path = INDEX_DOCUMENTS.sub("/", path)
    for pattern, replacement in AMP_PATHS:
        path = pattern.sub(replacement, path)
    path = path.rstrip("/") or "/"
    rule = ID_SLUG_RULES.get(host)
    if rule is not None and (found := rule.match(path)):
        path = found.group(1).lower()
    query = sorted(
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not is_tracking_param(k)
    )
    key = host + port + path
    return key + ("?" + urlencode(query) if query else "")


def _normal_path(path: str) -> str:
    """Decode escapes of unreserved characters and upper-case the rest (RFC 3986, 6.2.2)."""

    def fix(match: re.Match[str]) -> str:
        char = unquote(match.group(0))
        if char.isascii() and (char.isalnum() or char in "-._~"):
            return char
        return match.group(0).upper()

    return _UNRESERVED_ESCAPE.sub(fix, path)


def looks_like_article(url: str | None, *, known_page: bool = False) -> bool:
    """Whether a URL names one story rather than a home page, section or listing.

    A credit line that links to `defense.gov` or `/News/Releases/` names a publisher, not
    the original article; treating such a link as the story's identity would merge every
    story that credits the same site. With `known_page` (the URL an article was fetched
    from) any path that is not a home page, listing or date archive counts: `/news/story`.
    """
    if not url:
        return False
    try:
        parts = urlsplit(unwrap(url.strip()))
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    query = {k.lower() for k, v in parse_qsl(parts.query) if v}
    if query & STORY_QUERY_PARAMS:
        return True
    path = INDEX_DOCUMENTS.sub("/", SESSION_PATH_PARAMS.sub("", parts.path))
    segments = [unquote(s).lower() for s in path.split("/") if s]
    if not segments or LISTING_SEGMENTS.intersection(segments):
        return False
    if all(segment.isdigit() for segment in segments) and _YEAR.fullmatch(segments[0]):
        return False  # a date archive: /2024/ or /2024/10/30/
    if known_page or any(sum(ch.isdigit() for ch in segment) >= 4 for segment in segments):
        return True  # an id or a date in the path
    last = segments[-1].rsplit(".", 1)[0]
    return any(ch.isdigit() for ch in last) or len(_SLUG_WORDS.split(last)) >= 3


def stable_id(*, url: str | None, guid: str | None, title: str, published: datetime | None) -> str:
    """The id an article keeps for ever: from its URL, else its GUID, else title and date.

    The URL normalisation used here is frozen: ids are published, and readers show an
    item again when its id changes. Improve `identity_key` freely; never `_id_key_v1`.
    """
    if url:
        basis = "url:" + _id_key_v1(url)
    elif guid:
        basis = "guid:" + guid.strip()
    else:
        basis = (
            "title:" + title.strip().lower() + "|" + (published.isoformat() if published else "")
        )
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:24]


def _id_key_v1(url: str) -> str:
    """Host without www., path without trailing slash, query without trackers (frozen)."""
    try:
        parts = urlsplit(url.strip())
        port = f":{parts.port}" if parts.port and parts.port not in (80, 443) else ""
    except ValueError:  # a malformed URL still needs an id: it is its own key
        return url.strip()
    host = (parts.hostname or "").lower().rstrip(".")
    host = host[4:] if host.startswith("www.") else host
    if host == "defense.gov" or host.endswith(".defense.gov"):
        host = host[: -len("defense.gov")] + "war.gov"
    query = sorted(
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not (k.lower().startswith(("utm_", "pk_", "mtm_")) or k.lower() in {"fbclid", "gclid"})
    )
    path = parts.path.rstrip("/") or "/"
    return host + port + path + ("?" + urlencode(query) if query else "")


def shorten_url(url: str, limit: int = 200) -> str:
    """A URL short enough to show in a report line (hostile feeds send megabyte links)."""
    return url if len(url) <= limit else f"{url[: limit - 1]}…"

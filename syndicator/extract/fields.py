"""Clean the title and author a page states into what a feed reader should show.

"Esper Visits Hanoi | Defense News" -> "Esper Visits Hanoi";
"By C. Todd Lopez, DOD News" -> "C. Todd Lopez".
"""

from __future__ import annotations

import re

from ..urls import registered_host

# Separators between a headline and the site name in <title>/og:title.
_STRONG_SEPARATORS = (" | ", " || ", " :: ", " » ", " // ", " · ", " > ")
_WEAK_SEPARATORS = (" - ", " – ", " — ", ": ")
_ALL_SEPARATORS = (*_STRONG_SEPARATORS, " - ", " – ", " — ")  # not ": ", which starts a subtitle
# A trailing segment this short (words) after a strong separator is the site name.
SITE_SUFFIX_MAX_WORDS = 5

_BY_PREFIX = re.compile(r"^\s*(?:written\s+|posted\s+|story\s+|reported\s+)?by[:\s]+", re.I)
# Words that make a byline part an organisation or a role, not a person.
ORGANISATION_WORDS = re.compile(
    r"(?i)\b(?:news|service|staff|press|department|dept|command|agency|affairs|public|office|"
    r"reuters|associated|ap|afp|bloomberg|wire|desk|team|editors?|editorial|correspondent|"
    r"contributor|writer|reporter|times|post|journal|magazine|media|network|center|centre|"
    r"headquarters|hq|division|brigade|battalion|squadron|wing|fleet|army|navy|air\s+force|"
    r"marines?|guard|dod|dvids|pentagon|university|institute|group|inc|llc|ltd|photo|"
    r"photos|video|updated|published|min|read)\b"
)
# Military and civil ranks that lead a name in bylines ("Staff Sgt. Lena Okafor"); they
# stay in the name but are not mistaken for organisation words.
RANK_PREFIX = re.compile(
    r"(?i)^(?:(?:staff|master|first|1st|sgt\.?\s+maj\.?|command|chief|senior|tech\.?|"
    r"lance|petty\s+officer\s+(?:1st|2nd|3rd)\s+class|airman\s+1st\s+class|"
    r"(?:lt\.?\s+)?(?:gen|col|cmdr|cdr)\.?|rear\s+adm\.?|vice\s+adm\.?)\s+)*"
    r"(?:sgt|sergeant|spc|pvt|pfc|cpl|lt|capt|maj|col|gen|adm|cmdr|cdr|ens|cmdr|"
    r"airman|seaman|petty\s+officer|sailor|marine|officer|dr|mr|mrs|ms)\.?"
    r"(?:\s+(?:1st|first)\s+class)?\s+"
)
_NAME_SPLIT = re.compile(r"\s*(?:,|;|\band\b|&|\|)\s*", re.I)
_PERSON = re.compile(
    r"^(?:[A-ZÀ-Þ][\w'’.-]*\.?|[a-z]{1,3}|[A-Z]\.)(?:\s+(?:[A-ZÀ-Þ][\w'’.-]*\.?|van|von|de|da|"
    r"del|der|la|le|bin|al|el|dos|du|ten|ter)){1,4}$"
)


def clean_title(title: str | None, *, site_name: str | None, url: str | None,
                h1: str | None = None) -> str:  # fmt: skip
    """The headline without a site-name prefix or suffix."""
    if not title:
        return h1 or ""
    title = " ".join(title.split())
    if h1 and h1 != title and h1 in title and len(h1) >= 0.4 * len(title):
        return h1  # the page's own heading is the headline; the rest is decoration
    if h1 and title.startswith(h1 + " ") and title[len(h1) :].startswith(_ALL_SEPARATORS):
        return h1  # "Heading — Product 4.2 documentation": what follows is the site
    site_words = {" ".join(name.lower().split()) for name in (site_name, _host_label(url)) if name}
    # Peel decorations one at a time: "Title | Article | The United States Army".
    for _ in range(3):
        shorter = _peel(title, site_words, url)
        if shorter == title or not shorter:
            break
        title = shorter
    return title


def _peel(title: str, site_words: set[str], url: str | None) -> str:
    for sep in (*_STRONG_SEPARATORS, *_WEAK_SEPARATORS):
        if sep not in title:
            continue
        head, _, tail = title.rpartition(sep)
        first, _, rest = title.partition(sep)
        if tail.lower() in site_words or _looks_like_host(tail, url):
            return head.strip()
        if first.lower() in site_words or _looks_like_host(first, url):
            return rest.strip()
        if sep in _STRONG_SEPARATORS and len(tail.split()) <= SITE_SUFFIX_MAX_WORDS and head:
            return head.strip()
    return title


def _host_label(url: str | None) -> str | None:
    if not url:
        return None
    host = registered_host(url)
    return host.split(".")[0] if host else None


def _looks_like_host(segment: str, url: str | None) -> bool:
    compact = re.sub(r"[^a-z0-9]", "", segment.lower())
    host = re.sub(r"[^a-z0-9]", "", (registered_host(url) if url else "").split(".")[0])
    return bool(compact and host and (compact == host or compact == host + "com"))


def clean_author(raw: str | None) -> str | None:
    """Person names from a byline: no "By", no unit or outlet, no date."""
    if not raw:
        return None
    text = " ".join(raw.split())
    text = _BY_PREFIX.sub("", text)
    text = re.split(
        r"(?i)\s+(?:[|•·]|published|updated|posted|on\s+\w+\.?\s+\d)", text, maxsplit=1
    )[0]
    names = []
    for part in _NAME_SPLIT.split(text):
        part = part.strip(" .,:;-–—")
        part = _BY_PREFIX.sub("", part)
        bare = RANK_PREFIX.sub("", part)
        if not part or ORGANISATION_WORDS.search(bare) or any(ch.isdigit() for ch in bare):
            continue
        if part.isupper():
            part = part.title()  # "JOHN SMITH" from shouting bylines
        if _PERSON.match(bare) and part not in names:
            names.append(part)
    if not names:
        return None
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def clean_authors(candidates: tuple[str, ...] | list[str]) -> str | None:
    """Clean a list of stated authors and join the people among them."""
    names: list[str] = []
    for candidate in candidates:
        cleaned = clean_author(candidate)
        if cleaned:
            for name in re.split(r", | and ", cleaned):
                if name not in names:
                    names.append(name)
    if not names:
        return None
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

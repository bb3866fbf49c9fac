"""Find the original source behind a republished article.

Pure: takes the extracted body (an lxml element) and what the page says about itself,
returns an `Attribution` or None. Evidence, strongest first:

1. an explicit credit line with a link in the body ("To read original article please
   visit DoD website"); the line is removed from the body, because we publish our own
   structured credit instead;
2. `rel=canonical` or `og:url` pointing at another site;
3. the page itself lives on a known original publisher (a DoD story on war.gov).
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from .models import Attribution, PageSignals
from .urls import absolutize, registered_host

# Registered host (after alias folding, see urls.DOMAIN_ALIASES) -> publisher name.
KNOWN_PUBLISHERS: dict[str, str] = {
    "war.gov": "U.S. Department of Defense",
    "army.mil": "U.S. Army",
    "navy.mil": "U.S. Navy",
    "af.mil": "U.S. Air Force",
    "marines.mil": "U.S. Marine Corps",
    "spaceforce.mil": "U.S. Space Force",
    "uscg.mil": "U.S. Coast Guard",
    "nationalguard.mil": "National Guard",
    "dvidshub.net": "Defense Visual Information Distribution Service",
    "state.gov": "U.S. Department of State",
    "darpa.mil": "DARPA",
    "dla.mil": "Defense Logistics Agency",
    "disa.mil": "Defense Information Systems Agency",
    "socom.mil": "U.S. Special Operations Command",
    "centcom.mil": "U.S. Central Command",
    "pacom.mil": "U.S. Indo-Pacific Command",
    "eucom.mil": "U.S. European Command",
    "africom.mil": "U.S. Africa Command",
    "northcom.mil": "U.S. Northern Command",
    "southcom.mil": "U.S. Southern Command",
    "spacecom.mil": "U.S. Space Command",
    "nato.int": "NATO",
}

# Credit lines that name where an article first appeared. Matched on the text of a
# short block; the block's link is the original.
CREDIT_PATTERNS = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"\bto read (?:the )?original (?:article|story)\b",
        r"\bread (?:the )?original (?:article|story)\b",
        r"\boriginally (?:published|appeared|posted)\b",
        r"\bthis (?:article|story) (?:first|originally) appeared\b",
        r"\bfirst (?:published|appeared) (?:on|at|in|by)\b",
        r"^\s*source\s*:",
    )
)

# Credit line text that names a publisher without a usable link text.
PUBLISHER_WORDS = {
    "dod": "U.S. Department of Defense",
    "department of defense": "U.S. Department of Defense",
    "department of war": "U.S. Department of Defense",
}

_CREDIT_MAX_CHARS = 300
_BLOCKS = ("p", "div", "section", "aside", "footer", "em", "strong", "span", "h4", "h5", "h6")


def publisher_for(url: str | None) -> str | None:
    """The publisher name of a URL on a known original publisher's site, else None."""
    if not url:
        return None
    host = registered_host(url)
    while host:
        if host in KNOWN_PUBLISHERS:
            return KNOWN_PUBLISHERS[host]
        _, _, host = host.partition(".")
    return None


def find_attribution(
    body: HtmlElement, page: PageSignals, *, publisher_hint: str | None = None
) -> Attribution | None:
    """The original source of the article in `body`; removes an explicit credit line from it."""
    explicit = _explicit_credit(body, page.url)
    if explicit is not None:
        return explicit
    own_host = registered_host(page.url) if page.url else None
    for evidence, candidate in (("canonical", page.canonical_url), ("og:url", page.og_url)):
        link = absolutize(candidate, page.url)
        if link and own_host and registered_host(link) != own_host:
            return Attribution(link, publisher_for(link) or page.publisher, evidence)
    if page.url and publisher_for(page.url):
        return Attribution(
            page.canonical_url or page.url, publisher_for(page.url), "known-publisher"
        )
    if page.url and publisher_hint:
        return Attribution(page.canonical_url or page.url, publisher_hint, "source-hint")
    return None


def _explicit_credit(body: HtmlElement, base_url: str | None) -> Attribution | None:
    for block in body.iter(*_BLOCKS):
        text = " ".join(block.text_content().split())
        if not text or len(text) > _CREDIT_MAX_CHARS:
            continue
        if not _is_credit(text) or any(
            _is_credit(inner.text_content()) for inner in block.iterdescendants(*_BLOCKS)
        ):
            continue  # not a credit line, or the credit sits in a smaller block inside
        for anchor in block.iter("a"):
            link = absolutize(anchor.get("href"), base_url)
            if not link or (base_url and registered_host(link) == registered_host(base_url)):
                continue
            publisher = publisher_for(link) or _publisher_named_in(text)
            if block.getparent() is not None:
                block.drop_tree()  # keeps the text that follows the block (its tail)
            return Attribution(link, publisher, "credit-line")
    return None


def _is_credit(text: str) -> bool:
    return any(pattern.search(text) for pattern in CREDIT_PATTERNS)


def _publisher_named_in(text: str) -> str | None:
    lowered = text.lower()
    for words, name in PUBLISHER_WORDS.items():
        if re.search(rf"\b{re.escape(words)}\b", lowered):
            return name
    return None

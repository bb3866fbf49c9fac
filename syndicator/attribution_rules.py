"""What attribution knows, as data: publishers, their names, credit phrasings, captions.

Kept apart from `attribution.py` so the lists can grow (a new publisher, a phrasing in
another language) without touching the code that applies them.
"""

from __future__ import annotations

import re

# Registered host (after alias folding, see urls.DOMAIN_ALIASES) -> publisher name.
# Subdomains inherit: home.army.mil is the U.S. Army.
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
    "whitehouse.gov": "The White House",
    "darpa.mil": "DARPA",
    "dla.mil": "Defense Logistics Agency",
    "disa.mil": "Defense Information Systems Agency",
    "dtic.mil": "Defense Technical Information Center",
    "socom.mil": "U.S. Special Operations Command",
    "centcom.mil": "U.S. Central Command",
    "pacom.mil": "U.S. Indo-Pacific Command",
    "eucom.mil": "U.S. European Command",
    "africom.mil": "U.S. Africa Command",
    "northcom.mil": "U.S. Northern Command",
    "southcom.mil": "U.S. Southern Command",
    "spacecom.mil": "U.S. Space Command",
    "cybercom.mil": "U.S. Cyber Command",
    "transcom.mil": "U.S. Transportation Command",
    "stratcom.mil": "U.S. Strategic Command",
    "nato.int": "NATO",
    "gov.uk": "UK Government",
}

# Names a credit line uses for a known publisher -> its host, longest first so that
# "army news service" wins over "army". Matched as whole words, case-insensitively.
PUBLISHER_NAMES: tuple[tuple[str, str], ...] = tuple(
    sorted(
        {
            "department of defense": "war.gov",
            "department of war": "war.gov",
            "defense department": "war.gov",
            "war department": "war.gov",
            "dod news": "war.gov",
            "dod": "war.gov",
            "defense.gov": "war.gov",
            "war.gov": "war.gov",
            "u.s. army": "army.mil",
            "us army": "army.mil",
            "army news service": "army.mil",
            "army.mil": "army.mil",
            "u.s. navy": "navy.mil",
            "us navy": "navy.mil",
            "navy.mil": "navy.mil",
            "u.s. air force": "af.mil",
            "us air force": "af.mil",
            "af.mil": "af.mil",
            "marine corps": "marines.mil",
            "marines.mil": "marines.mil",
            "space force": "spaceforce.mil",
            "spaceforce.mil": "spaceforce.mil",
            "coast guard": "uscg.mil",
            "national guard": "nationalguard.mil",
            "dvids": "dvidshub.net",
            "dvidshub": "dvidshub.net",
            "state department": "state.gov",
            "department of state": "state.gov",
            "white house": "whitehouse.gov",
            "nato": "nato.int",
        }.items(),
        key=lambda pair: -len(pair[0]),
    )
)

# Credit-line phrasings, matched on the text of a short block with leading decoration
# removed. Most are anchored at the start: "first published in 2023" inside a sentence
# is content, "First published in Breaking Defense" as a line of its own is a credit.
_CREDIT_PHRASES = (
    # anywhere in the block: these cannot be ordinary sentences of a story
    r"\bto read (?:the )?original (?:article|story|post|release|report)\b",
    r"\bthis (?:article|story|post|piece|report|content) (?:was |is |has been )?"
    r"(?:originally |first )?(?:published|appeared|posted|ran)\b",
    r"\b(?:republished|reprinted|reposted|syndicated) (?:here )?"
    r"(?:from|with permission|courtesy)\b",
    r"\bcross-?posted (?:from|with permission)\b",
    r"(?:^|[.|—–])\s*(?:originally|first) (?:published|appeared|posted|ran) (?:on|at|in|by)\b",
    # at the start of the block
    r"^(?:read|view|see|continue reading) (?:the )?(?:full|original|complete|entire|rest of the)"
    r"(?: original)? (?:article|story|post|release|report|text)\b",
    r"^(?:the )?(?:original|full) (?:article|story|release) (?:is )?(?:available )?"
    r"(?:at|on|here)\b",
    r"^(?:click|tap) here (?:to read|for) the (?:full|original|complete)\b",
    r"^(?:(?:article|story|text|content|republished|reprinted)\s+)?courtesy of\b",
    r"^(?:source|sources|via|credit|original source|article source|story source|from)\s*[:：]",
    r"^(?:fuente|quelle|fonte|bron|kaynak|źródło|zdroj|lähde|kilde|källa|forrás|πηγή"
    r"|источник|джерело|출처|出典|出处|来源|المصدر|מקור)\s*[:：]",
    r"^(?:publicado|publicada) originalmente\b|^originalmente publicad[oa]\b",
    r"^(?:publié|publiée|paru|parue) (?:initialement|à l'origine|originellement|d'abord)\b",
    r"^cet article a (?:été )?(?:initialement |d'abord |originellement )?(?:été )?publié\b",
    r"^(?:dieser )?(?:artikel|beitrag) (?:ist |wurde |erschien )?(?:zuerst|ursprünglich)\b",
    r"^(?:zuerst|ursprünglich) (?:erschienen|veröffentlicht)\b|^originalartikel\b",
    r"^(?:pubblicato|pubblicata) (?:originariamente|originalmente|per la prima volta)\b",
    r"^(?:articolo|artículo|article|artigo) original(?:e)?\b",
    r"^(?:впервые|первоначально) опубликован",
    r"^(?:оригинал|первоисточник) (?:статьи|материала)\b",
    r"^(?:기사 )?원문(?: 보기| 기사)?\b",
    r"^元記事|^原文",
)
CREDIT_PATTERNS = tuple(re.compile(p, re.IGNORECASE) for p in _CREDIT_PHRASES)

# Photo and media credits look like credit lines but credit a picture, not the story.
CAPTION_PATTERNS = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^\(?(?:u\.s\. \w+ |dod |file )?(?:photo|photograph|image|video|graphic|illustration"
        r"|footage|map|chart|infographic|audio)s?\b",
        r"\b(?:photo|image|video|graphic|illustration|footage)s? (?:by|courtesy|credit)\b",
    )
)

# Elements whose text may be a credit line, and ancestors that rule one out.
CREDIT_TAGS = (
    "p", "div", "section", "aside", "footer", "em", "strong", "span", "i", "b", "small",
    "li", "cite", "address", "h4", "h5", "h6", "a",
)  # fmt: skip
NOT_CREDIT_ANCESTORS = frozenset({"figure", "figcaption", "blockquote", "table", "caption", "q"})

# Links in a credit line to these sites are share buttons or profiles, not originals.
SOCIAL_SITES = frozenset(
    {
        "twitter.com", "x.com", "facebook.com", "instagram.com", "linkedin.com",
        "youtube.com", "youtu.be", "t.me", "telegram.me", "tiktok.com", "reddit.com",
        "pinterest.com", "whatsapp.com", "wa.me", "threads.net", "bsky.app",
        "mastodon.social", "flipboard.com", "vk.com", "addtoany.com", "sharethis.com",
        "t.co", "bit.ly", "ow.ly", "buff.ly", "dlvr.it", "feedburner.com",
    }
)  # fmt: skip

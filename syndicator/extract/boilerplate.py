"""What is not the article, kept as data: tags, class/id words and text patterns.

The extractor consults these tables; adding a rule never needs new code. Class/id
patterns are matched against the element's `class` and `id` joined by a space;
text patterns against the whitespace-normalised text of a short block.
"""

from __future__ import annotations

import functools
import re

# Dropped with their content before anything is scored: never article text.
NEVER_CONTENT_TAGS = (
    "script", "style", "noscript", "template", "svg", "canvas", "iframe", "frame",
    "object", "embed", "applet", "button", "input", "select", "textarea", "option",
    "dialog", "map", "audio", "video", "head", "link", "meta", "base", "math", "title",
    "frameset",
)  # fmt: skip

# Page furniture by tag. The strong ones go unless they hold nearly all of the page's
# prose; the weak ones unless they hold most of it (some sites wrap the whole page in
# a <form> or put the story inside <header>).
STRONG_FURNITURE_TAGS = ("nav", "footer", "menu")
WEAK_FURNITURE_TAGS = ("aside", "header", "form")


def _class_words(*words: str) -> re.Pattern[str]:
    """A pattern matching any of `words` as whole words of a class name ("post-tags")."""
    return re.compile(r"(?i)(?<![a-z0-9])(?:" + "|".join(words) + r")(?![a-z0-9])")


# Class/id words of things that are never the article: ads, shares, comments, related
# lists, newsletter boxes, paywall prompts, footers, menus, author boxes, tag lists.
STRONG_BOILERPLATE_CLASS = _class_words(
    r"ad|ads|adv|advert\w*|ad[-_]?(?:slot|unit|wrap\w*|container|box|place\w*|zone)",
    r"dfp|gpt|banner|sponsor\w*|promo\w*|outbrain|taboola|zergnet|revcontent",
    r"share|sharing|shares|sharebar|social\w*|sociable|addthis",
    r"comment\w*|disqus|replies|respond|discussion",
    r"related|recommend\w*|trending|popular|most[-_]?(?:read|viewed|popular|shared)",
    r"more[-_]?(?:from|stories|news|articles|on)|read[-_]?(?:more|next|also)|also[-_]?read",
    r"see[-_]?also|up[-_]?next|whats[-_]?next|next[-_]?(?:article|post|story)",
    r"prev(?:ious)?[-_]?(?:article|post|story)|post[-_]?nav\w*|pagination|pager",
    r"newsletter\w*|subscri\w*|signup|sign[-_]?up|optin|opt[-_]?in",
    r"paywall|piano|regwall",
    r"nav|navbar|navigation|menu|breadcrumbs?|masthead|footer|site[-_]?header",
    r"cookie\w*|consent|gdpr",
    r"author[-_]?(?:bio|box|info|card|profile)|about[-_]?(?:the[-_]?)?author",
    r"tags|tag[-_]?(?:list|cloud|links)|taxonomy|post[-_]?(?:tags|meta|categories)",
    r"visually[-_]?hidden|sr[-_]?only|screen[-_]?reader\w*|skip|jump[-_]?link",
    r"inline[-_]?(?:promo|related|ad)|rss|login|byline|dateline|timestamp",
    r"kicker|eyebrow|overline|rubric",
    r"edit[-_]?section|edit[-_]?link",  # a wiki's "[edit]" beside every heading
)
# Class/id words of text shown to screen readers only ("opens in a new window").
OFFSCREEN_CLASS = _class_words(r"visually[-_]?hidden|sr[-_]?only|screen[-_]?reader\w*|offscreen")
# Class/id words of things that are usually not the article (sidebars, widgets, popups).
WEAK_BOILERPLATE_CLASS = _class_words(
    r"sidebar|side[-_]?bar|rail|widget\w*|modal|popup|overlay|lightbox|categories",
    r"print|toolbar|tools|meter|gallery|slideshow|carousel|slider",
)
# A strong/weak furniture element is kept when it holds more than this share of the
# page's prose: then it is a wrapper of the page, not furniture.
KEEP_STRONG_SHARE = 0.8
KEEP_WEAK_SHARE = 0.5
# Words that mark the article itself. In a class name the last word is the head
# ("entry-author-bio" is an author box, "article-body" the article), so a name counts
# as content when its last matching word is one of these.
CONTENT_CLASS = _class_words(
    r"article|story|entry|blog[-_]?post|post[-_]?(?:body|content|text)|articleBody",
    r"(?:body|page|main)[-_]?(?:text|copy|content)|content[-_]?(?:body|main)|prose",
    r"rich[-_]?text|hentry|h-entry",
)
# Captions and credits: kept with their image in the HTML, left out of the plain text.
CAPTION_CLASS = _class_words(
    r"caption\w*|credits?|photo[-_]?credit|image[-_]?credit|media[-_]?credit|copyright"
)
# Head words that describe a part of an article, not the article ("ArticleHeader").
PART_CLASS = _class_words(
    r"header|heading|headline|title|meta|info|details|date|time|image|media|photo|video",
    r"figure|label|top|hero|lead[-_]?(?:image|media|art)",
)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
# Any recognised word at all, anywhere: most class values have none and stop here.
_ANY_WORD = re.compile(
    "(?i)"
    + "|".join(
        pattern.pattern.removeprefix("(?i)")
        for pattern in (CONTENT_CLASS, STRONG_BOILERPLATE_CLASS, WEAK_BOILERPLATE_CLASS)
    )
)


# Memos of pure functions: pages repeat the same class words thousands of times.
@functools.lru_cache(maxsize=8192)
def class_kind(names: str) -> str | None:
    """What a `class`/`id` value says: "content", "strong", "weak" or None.

    Each word of the value is judged by its last recognised part; one content
    word protects the element from every boilerplate word.
    """
    verdict = None
    for token in names.split():
        kind = _word_kind(token)
        if kind == "content":
            return "content"
        if kind == "strong" or (kind == "weak" and verdict is None):
            verdict = kind
    return verdict


@functools.lru_cache(maxsize=16384)
def _word_kind(token: str) -> str | None:
    token = _CAMEL.sub("-", token)
    if not _ANY_WORD.search(token):
        return None
    last, kind = -1, None
    for pattern, name in (
        (CONTENT_CLASS, "content"),
        (STRONG_BOILERPLATE_CLASS, "strong"),
        (WEAK_BOILERPLATE_CLASS, "weak"),
        (PART_CLASS, "part"),
    ):
        for match in pattern.finditer(token):
            if match.end() > last or (match.end() == last and name == "content"):
                last, kind = match.end(), name
    return kind


# Roles and ARIA labels of furniture.
BOILERPLATE_ROLES = frozenset(
    {"navigation", "banner", "contentinfo", "complementary", "search", "dialog", "alert",
     "menu", "menubar", "toolbar", "form"}
)  # fmt: skip

# Whole-block texts that are never the article ("- Advertisement -", share prompts,
# newsletter boxes, paywall prompts, next/previous links, tag lists).
BOILERPLATE_TEXT = re.compile(
    r"""(?ix)^(?:
        [-–—\s]*(?:advertisement|advertising|advert|sponsored(?:\scontent)?|ad|ads|anzeige|publicidad|
            publicité|pubblicità)[-–—\s]*|
        (?:story|article)\s+continues\s+(?:below|after).*|
        (?:continue|scroll)\s+(?:reading|down)\s+(?:below|to\scontinue).*|
        (?:more|also)\s+(?:from|by|on|in)\s+.{0,60}|
        more\s+from\s+author|
        trending(?:\s+(?:on|in|now).*)?|
        (?:read|see)\s+(?:more|also|next)\b.{0,120}|
        related(?:\s+(?:articles?|stories|posts|content|coverage|news|reading|links))?\s*:?.{0,120}|
        recommended(?:\s+for\s+you)?.{0,40}|
        (?:most\s+(?:read|popular|viewed|shared)|popular\s+(?:now|stories|posts)).{0,40}|
        (?:share|tweet|email|print|pin)(?:\s+(?:this|on|via)\b.{0,60})?|
        click\s+to\s+(?:share|email|print|enlarge).{0,60}|
        follow\s+us\s+on\b.{0,80}|
        (?:sign\s+up|subscribe|register)\s+(?:for|to)\s+(?:our|the|a|free)\b.{0,160}|
        .{0,80}\bnewsletter\b.{0,80}(?:sign\s+up|subscribe|inbox|e-?mail\s+address).{0,80}|
        (?:already\s+(?:a\s+subscriber|have\s+an\s+account|registered)).{0,120}|
        (?:continue|keep)\s+reading\s+with\b.{0,160}|
        .{0,80}\b(?:subscribe|log\s+in|sign\s+in)\s+to\s+(?:continue|read|keep)\b.{0,120}|
        (?:tags?|topics?|filed\s+under|categories|posted\s+in)\s*:.{0,200}|
        (?:previous|next|prev)\s+(?:article|post|story|page)\b.{0,160}|
        (?:leave\s+a\s+(?:comment|reply)|comments?\s*\(\d+\)|\d+\s+comments?|view\s+comments)\b.{0,60}|
        comments?|(?:join|start)\s+the\s+(?:conversation|discussion).{0,40}|
        (?:tell|let)\s+us\s+what\s+you\s+think.{0,40}|
        .{0,60}\b\d+\s+min(?:ute)?s?\s+read|
        (?:we\s+use\s+cookies|this\s+(?:web)?site\s+uses\s+cookies)\b.{0,300}|
        (?:image|photo|video)\s*:\s*(?:getty|ap|reuters|afp|shutterstock)\b.{0,60}|
        (?:copyright|©)\s.{0,160}|
        .{0,120}(?:©|\(c\)|copyright)\s*(?:\d{4}|\w+\s+\d{4}).{0,160}|
        all\s+rights\s+reserved.{0,80}|
        (?:please\s+)?enable\s+javascript\b.{0,120}|
        loading\.*|
        [¶§#⚓🔗]|  # a heading's permalink anchor
        .{0,120}\bctrl\s*\+\s*enter\b.{0,160}|  # "found a typo? select it and press Ctrl+Enter"
        public\s+domain|news\s+info|download\s+(?:image|photo|video|audio|file)\s*:.{0,40}|
        (?:skip|jump)\s+to\s+(?:main\s+)?(?:content|navigation).{0,20}
    )$"""
)
# A block that only says when the story was published or updated ("Updated at 1:23
# p.m.", "First Published: Tuesday, November 19, 2019 08:38 AM"): page furniture,
# not article text, wherever it stands (a date line at the top is read for the date
# before these go). Words other than dates, times and zones mean it is a sentence.
_MONTH = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_WEEKDAY = (
    r"mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:rs(?:day)?)?|fri(?:day)?|"
    r"sat(?:urday)?|sun(?:day)?|today|yesterday"
)
_ZONE = r"et|est|edt|ct|cst|cdt|mt|mst|mdt|pt|pst|pdt|gmt|utc|bst|cet|cest|ist|jst|aest|aedt|z"
DATE_STAMP_TEXT = re.compile(
    rf"""(?ix)^[-–—•|\s]*(?:first\s+|last\s+)?(?:published|updated|posted|modified)
    (?:\s+(?:on|at))?\s*:?
    (?:[\s,.:/|•()-]*
        (?:\d{{1,4}}(?:st|nd|rd|th|[ap]\.?m\.?)?|{_MONTH}|{_WEEKDAY}|[ap]\.?m\.?|at|on|{_ZONE})
        \.?(?![a-z0-9])
    )+[\s.)]*$"""
)
DATE_STAMP_CHARS = 80

# Headings of sections that list other stories; the list after such a heading goes too.
SECTION_TITLE = re.compile(
    r"""(?ix)^(?:
        related(?:\s+\w+){0,2}|more\s+(?:from|on|in|about|stories|news|articles|headlines)\b.{0,50}|
        (?:our\s+)?(?:latest|top|recent|popular|trending)\s+(?:stories|news|articles|posts|headlines)|
        (?:most\s+(?:read|popular|viewed|shared))(?:\s+\w+){0,3}|trending(?:\s+\w+){0,4}|
        (?:recommended|suggested)(?:\s+\w+){0,3}|you\s+(?:may|might)\s+(?:also\s+)?like.{0,20}|
        (?:don'?t|do\s+not)\s+miss.{0,20}|(?:see|read)\s+(?:also|more|next)\b.{0,30}|
        (?:also|more)\s+on\s+.{0,40}|elsewhere\s+on\b.{0,40}|what\s+to\s+read\s+next
    )[\s:.!…]*$"""
)
# Image controls ("VIEW ORIGINAL", "Enlarge"): removed inside figures and captions, or
# when they link to an image file; elsewhere "View original" may be a credit's link.
IMAGE_UI_TEXT = re.compile(
    r"""(?ix)^(?:
        (?:view|see)\s+(?:the\s+)?(?:original|full[\s-]?(?:size|screen|resolution|image)|
            larger(?:\s+(?:image|photo|version))?|(?:photo\s+)?gallery|image|photo|slideshow)|
        enlarge(?:\s+(?:this\s+)?(?:image|photo))?|
        download\s+(?:the\s+)?(?:image|photo|high[\s-]res\w*(?:\s+\w+)?)
    )$"""
)
IMAGE_FILE = re.compile(r"(?i)\.(?:jpe?g|png|gif|webp|svg|avif|tiff?)(?:[?#].*)?$")

# Prompts that mean the page withholds the rest of the story.
PAYWALL_TEXT = re.compile(
    r"(?i)(?:continue|keep)\s+reading\s+with\s+an?\b|already\s+a\s+subscriber|"
    r"subscribe\s+(?:now\s+)?to\s+(?:continue|read|unlock|keep)|"
    r"(?:this|the\s+rest\s+of\s+this)\s+(?:article|story|content)\s+is\s+(?:for|available\s+to|"
    r"reserved\s+for|exclusive\s+to)\s+(?:subscribers|members|premium)|"
    r"(?:subscribers|members)\s+only|to\s+read\s+the\s+full\s+(?:article|story)|"
    r"unlock\s+(?:this|full)\s+(?:article|story|access)|create\s+a\s+free\s+account\s+to\s+continue"
)
PAYWALL_CLASS = re.compile(
    r"(?i)paywall|regwall|piano|meter[-_]?(?:ed|wall)|premium[-_]?(?:wall|gate)"
)

# Cookie and consent banners, which run longer than other boilerplate blocks.
COOKIE_TEXT = re.compile(
    r"(?is)\bcookies?\b.{0,300}\b(?:website|site|browser|browsing|consent|accept|settings|"
    r"privacy|experience)\b|\b(?:website|site)\b.{0,120}\buses?\s+cookies\b"
)
COOKIE_BLOCK_CHARS = 600

# Blocks only this long (characters) are tested against BOILERPLATE_TEXT; longer
# blocks are prose that may mention "subscribe" without being a prompt.
SHORT_BLOCK_CHARS = 220

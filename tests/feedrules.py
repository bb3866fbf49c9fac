"""The W3C Feed Validation Service's rules, as checks over one published file.

Each check returns `Problem`s named after the validator's own messages (e.g.
`SelfDoesntMatchLocation`, `ContainsRelRef`, `SecurityRisk`), errors and warnings
alike: a published file must have none. Stricter than the validator in a few places
the project asks for (absolute URLs everywhere, no style attributes, `type` on every
Atom text construct that holds markup). XML is parsed with entity expansion, DTDs and
network access off.

    problems = check_file("feeds/all.atom", data, base_url="http://127.0.0.1:8080/")
    assert_valid("feeds/all.atom", data, base_url=..., now=...)   # AssertionError listing them
    assert_valid_folder(output_dir, base_url=...)                   # every published file
"""

from __future__ import annotations

import json
import re
from calendar import monthrange
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_tz
from html.entities import name2codepoint
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import html5lib
from lxml import etree

ATOM = "{http://www.w3.org/2005/Atom}"


def _names(text: str) -> frozenset[str]:
    """A set of names written as one space-separated string (long tables stay short)."""
    return frozenset(text.split())


CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"

# The validator's HTML allowlists (validators.HTMLValidator), less what this project
# forbids outright: forms and their controls.
HTML_TAGS = _names(
    "a abbr acronym address area article aside audio b bdi big blockquote br canvas caption"
    " center cite code col colgroup data dd del details dfn dir div dl dt em fieldset"
    " figcaption figure footer font h1 h2 h3 h4 h5 h6 header hgroup hr i img ins kbd label"
    " legend li main map mark menu meter nav ol output p picture pre progress q rp rt ruby s"
    " samp section small source span strike strong sub summary sup table tbody td time tfoot"
    " th thead tr track tt u ul var video wbr"
)
HTML_ATTRIBUTES = _names(
    "abbr align alt axis bgcolor border cellpadding cellspacing char charoff cite class"
    " clear color cols colspan controls coords datetime dir headers height href hreflang"
    " hspace kind label lang loop media name noshade nowrap poster preload rel rev reversed"
    " rows rowspan rules scope sizes span src srclang srcset start summary title type"
    " usemap valign value vspace width"
)
FEED_SUFFIXES = (".rss", ".atom", ".json", ".xml")
URL_ATTRIBUTES = ("href", "src", "cite", "poster", "srcset")
ATOM_RELS = _names(
    "alternate current describedby edit edit-media enclosure first hub last license next"
    " next-archive payment prev-archive previous related replies search self service up"
    " via"
)
JSON_FEED_KEYS = _names(
    "version title home_page_url feed_url description user_comment next_url icon favicon"
    " authors language expired hubs items"
)
JSON_ITEM_KEYS = _names(
    "id url external_url title content_html content_text summary image banner_image"
    " date_published date_modified authors tags language attachments"
)
OPML_HEAD = _names(
    "title dateCreated dateModified ownerName ownerEmail ownerId docs expansionState"
    " vertScrollState windowTop windowLeft windowBottom windowRight"
)

RFC822 = re.compile(
    r"(?:(Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?\d\d? (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct"
    r"|Nov|Dec) \d{4} \d\d:\d\d(:\d\d)? ([+-]\d\d[03]0|UT|GMT|Z)$"
)
RFC3339 = re.compile(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$")
URN = re.compile(
    r"^urn:[a-zA-Z0-9][a-zA-Z0-9-]{1,31}:([a-zA-Z0-9()+,.:=@;$_!*'-]|%[0-9A-Fa-f]{2})+$"
)
UUID_URN = re.compile(r"^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
MIME = re.compile(r'^[^\s()<>,;:\\"/\[\]?=]+/[^\s()<>,;:\\"/\[\]?=]+$')
BAD_CHARACTERS = re.compile("[\x80-\x9f\ufffd]")
HTML_END_TAG = re.compile(r"</(\w+)>")
ENTITY_LIKE = re.compile(r"&(#?\w+)")


@dataclass(frozen=True, slots=True)
class Problem:
    """One rule a file breaks: the validator's message name, where, and what."""

    rule: str
    where: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.rule} at {self.where}: {self.detail}"


class _Report:
    def __init__(self, now: datetime | None) -> None:
        self.problems: list[Problem] = []
        self.now = now

    def add(self, rule: str, where: str, detail: str = "") -> None:
        self.problems.append(Problem(rule, where, detail))


# --- entry points ---------------------------------------------------------------------


def check_file(
    path: str, data: bytes, *, base_url: str, now: datetime | None = None
) -> list[Problem]:
    """Every problem of the file published at `path` (relative to `base_url`).

    `now` enables the validator's plausibility check on dates (not in the future);
    without it dates are only checked for form and for being after 1990.
    """
    url = urljoin(base_url, path)
    suffix = path.rsplit(".", 1)[-1]
    checks: dict[str, Callable[[bytes, str, _Report], None]] = {
        "rss": _check_rss,
        "atom": _check_atom,
        "json": _check_json_feed,
        "opml": _check_opml,
    }
    report = _Report(now)
    checks[suffix](data, url, report)
    return report.problems


def assert_valid(path: str, data: bytes, *, base_url: str, now: datetime | None = None) -> None:
    """AssertionError listing every problem of one published file."""
    problems = check_file(path, data, base_url=base_url, now=now)
    assert not problems, f"{path} breaks feed rules:\n" + "\n".join(f"  {p}" for p in problems)


def published_feeds(root: Path) -> list[str]:
    """Relative paths of every feed and OPML file under an output folder."""
    suffixes = {".rss", ".atom", ".json", ".opml"}
    return sorted(
        path.relative_to(root).as_posix()
        for path in root.rglob("*")
        if path.is_file() and path.suffix in suffixes and not path.name.startswith(".")
    )


def assert_valid_folder(root: Path, *, base_url: str, now: datetime | None = None) -> list[str]:
    """Check every feed and OPML file of an output folder; return the paths checked."""
    paths = published_feeds(root)
    for path in paths:
        assert_valid(path, (root / path).read_bytes(), base_url=base_url, now=now)
    return paths


def check_html(markup: str, where: str, now: datetime | None = None) -> list[Problem]:
    """The validator's rules for HTML inside a feed (description, content, summary)."""
    report = _Report(now)
    _html(markup, where, report)
    return report.problems


# --- shared rules ---------------------------------------------------------------------


def parse_xml(data: bytes) -> Any:
    """Parse without entity expansion, DTD loading or network access; refuse a DOCTYPE."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    root = etree.fromstring(data, parser)
    if root.getroottree().docinfo.doctype:
        raise ValueError("a feed must not carry a DOCTYPE")
    return root


def _xml(data: bytes, url: str, report: _Report) -> Any:
    if not data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>") and not data.startswith(
        b'<?xml version="1.0" encoding="UTF-8"?>'
    ):
        report.add("MissingEncoding", url, "no XML declaration naming UTF-8")
    try:
        return parse_xml(data)
    except (etree.XMLSyntaxError, ValueError) as exc:
        report.add("NotWellFormed", url, str(exc))
        return None


def _bad_characters(root: Any, report: _Report) -> None:
    for element in root.iter():
        texts = [element.text or "", *(str(value) for value in element.attrib.values())]
        if any(BAD_CHARACTERS.search(text) for text in texts):
            report.add("BadCharacters", _tag(element), "C1 control or U+FFFD")


def _plain_text(text: str | None, where: str, report: _Report, rss: bool = False) -> None:
    """`nonhtml`: a title-like value holds plain text, not HTML or entity references."""
    value = text or ""
    if not value.strip():
        report.add("NotBlank", where)
        return
    tags = [tag for tag in HTML_END_TAG.findall(value) if tag.lower() in HTML_TAGS | {"script"}]
    if tags:
        report.add("ContainsHTML", where, f"</{tags[0]}>")
    for name in ENTITY_LIKE.findall(value):
        if name in name2codepoint or name == "apos" or not name.isalpha():
            report.add("ContainsHTML", where, f"&{name}")
            break
    if rss and re.search(r"&#[x0-9]|<[/a-zA-Z]", value):
        report.add("CharacterData", where, value[:60])


def _absolute(url: str | None, where: str, report: _Report, rule: str = "InvalidFullLink") -> bool:
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc or url != (url or "").strip():
        report.add(rule, where, repr(url))
        return False
    return True


def _date(value: str | None, where: str, report: _Report, kind: str) -> datetime | None:
    """RFC 822 (RSS, OPML) or RFC 3339 (Atom, JSON Feed), and plausible."""
    text = value or ""
    if kind == "rfc822":
        moment = _rfc822(text)
        if moment is None:
            report.add("InvalidRFC2822Date", where, repr(text))
            return None
        if "," in text and moment.strftime("%a") != text[:3]:
            report.add("IncorrectDOW", where, text)
    else:
        moment = _rfc3339(text)
        if moment is None:
            report.add("InvalidRFC3339Date", where, repr(text))
            return None
    if moment.year < 1990 or (report.now and moment > report.now + timedelta(minutes=10)):
        report.add("ImplausibleDate", where, text)
    return moment


def _rfc822(text: str) -> datetime | None:
    parsed = parsedate_tz(text) if RFC822.match(text) else None
    if parsed is None:
        return None
    try:
        moment = datetime(*parsed[:6], tzinfo=UTC)
    except ValueError:
        return None
    return moment - timedelta(seconds=parsed[9] or 0)


def _rfc3339(text: str) -> datetime | None:
    match = RFC3339.match(text)
    if not match:
        return None
    year, month, day = (int(match.group(i)) for i in (1, 2, 3))
    if not (1 <= month <= 12 and 1 <= day <= monthrange(year, month)[1]):
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return None


def _html(markup: str | None, where: str, report: _Report) -> None:
    """`safeHtml`: parses as HTML, only safe elements and attributes, absolute URLs."""
    value = markup or ""
    if BAD_CHARACTERS.search(value):
        report.add("BadCharacters", where)
    if "<?import" in value.lower():
        report.add("SecurityRisk", where, "?import")
    try:
        fragment = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parseFragment(
            value
        )
    except html5lib.html5parser.ParseError as exc:
        report.add("NotHtml", where, f"invalid HTML: {exc}")
        fragment = html5lib.parseFragment(value, namespaceHTMLElements=False)
    for element in fragment.iter():
        if not isinstance(element.tag, str) or element.tag == "DOCUMENT_FRAGMENT":
            continue
        tag = element.tag.lower()
        if tag not in HTML_TAGS:
            report.add("SecurityRisk", where, f"<{tag}>")
        for name, attribute_value in element.attrib.items():
            _html_attribute(tag, str(name).lower(), attribute_value, where, report)


def _html_attribute(tag: str, name: str, value: str, where: str, report: _Report) -> None:
    if name == "style":
        report.add("DangerousStyleAttr", where, f"<{tag} style>")
    elif name not in HTML_ATTRIBUTES and not name.startswith("data-"):
        report.add("SecurityRiskAttr", where, f"<{tag} {name}>")
    elif name in URL_ATTRIBUTES:
        urls = [part.split()[0] for part in value.split(",") if part.strip()]
        for url in urls if name == "srcset" else [value]:
            if urlsplit(url.strip()).scheme not in ("http", "https", "mailto"):
                report.add("ContainsRelRef", where, f"<{tag} {name}={url!r}>")


def _unique(values: Iterable[str], rule: str, where: str, report: _Report) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            report.add(rule, where, value)
        seen.add(value)


def _tag(element: Any) -> str:
    return str(etree.QName(element).localname)


def _once(parent: Any, name: str, where: str, report: _Report) -> Any:
    """The single child `name`; DuplicateElement when there are more."""
    found = parent.findall(name)
    if len(found) > 1:
        report.add("DuplicateElement", where, name)
    return found[0] if found else None


def _self_link(links: list[Any], url: str, media_type: str, where: str, report: _Report) -> None:
    selves = [link for link in links if link.get("rel") == "self"]
    if not selves:
        report.add("MissingSelf", where)
        return
    if selves[0].get("href") != url:
        report.add("SelfDoesntMatchLocation", where, f"{selves[0].get('href')} != {url}")
    if selves[0].get("type") != media_type:
        report.add("SelfNotAtom", where, str(selves[0].get("type")))


# --- RSS 2.0 --------------------------------------------------------------------------


def _check_rss(data: bytes, url: str, report: _Report) -> None:
    root = _xml(data, url, report)
    if root is None:
        return
    _bad_characters(root, report)
    if root.tag != "rss" or root.get("version") != "2.0":
        report.add("InvalidRSSVersion", url, f"<{root.tag} version={root.get('version')}>")
        return
    channel = _once(root, "channel", url, report)
    if channel is None:
        report.add("MissingElement", url, "channel")
        return
    for name in ("title", "link", "description"):
        if channel.find(name) is None:
            report.add("MissingElement", "channel", name)
    title = _once(channel, "title", "channel", report)
    if title is not None:
        _plain_text(title.text, "channel/title", report, rss=True)
    link = _once(channel, "link", "channel", report)
    is_link = link is not None and _absolute(link.text, "channel/link", report)
    if is_link and (link.text == url or link.text.split("#")[0].endswith(FEED_SUFFIXES)):
        report.add("ChannelLinkIsFeed", "channel/link", f"{link.text} is a feed, not the site")
    if channel.find("language") is None:
        report.add("MissingDCLanguage", "channel", "language")
    for name in ("lastBuildDate", "pubDate"):
        for element in channel.findall(name):
            _date(element.text, f"channel/{name}", report, "rfc822")
    docs = channel.find("docs")
    if docs is not None:
        _absolute(docs.text, "channel/docs", report)
    links = channel.findall(f"{ATOM}link")
    _self_link(links, url, "application/rss+xml", "channel", report)
    for atom_link in links:
        _atom_link(atom_link, "channel/atom:link", report)
    guids = []
    for index, item in enumerate(channel.findall("item"), 1):
        guid = _rss_item(item, f"item[{index}]", report)
        if guid:
            guids.append(guid)
    _unique(guids, "DuplicateValue", "item/guid", report)


def _rss_item(item: Any, where: str, report: _Report) -> str | None:
    title = _once(item, "title", where, report)
    description = _once(item, "description", where, report)
    if title is None and description is None:
        report.add("ItemMustContainTitleOrDescription", where)
    if title is not None:
        _plain_text(title.text, f"{where}/title", report, rss=True)
    link = _once(item, "link", where, report)
    if link is not None:
        _absolute(link.text, f"{where}/link", report)
    if description is not None:
        _html(description.text, f"{where}/description", report)
    encoded = _once(item, CONTENT_ENCODED, where, report)
    if encoded is not None:
        if description is None:
            report.add("NeedDescriptionBeforeContent", where)
        _html(encoded.text, f"{where}/content:encoded", report)
    for element in item.findall("pubDate"):
        _date(element.text, f"{where}/pubDate", report, "rfc822")
    _once(item, "pubDate", where, report)
    for author in item.findall("author"):
        if not re.match(r"^[^@\s]+@[^@\s]+\.[A-Za-z]+ \(.+\)$", author.text or ""):
            report.add("InvalidContact", f"{where}/author", "RSS author must be 'e-mail (name)'")
    source = _once(item, "source", where, report)
    if source is not None:
        _absolute(source.get("url"), f"{where}/source@url", report, "MissingAttribute")
        _plain_text(source.text, f"{where}/source", report, rss=True)
    for category in item.findall("category"):
        _plain_text(category.text, f"{where}/category", report, rss=True)
    guid = _once(item, "guid", where, report)
    if guid is None:
        report.add("MissingGuid", where)
        return None
    permalink = guid.get("isPermaLink", "true")
    if permalink not in ("true", "false"):
        report.add("InvalidBooleanAttribute", f"{where}/guid", permalink)
    value = (guid.text or "").strip()
    if not value:
        report.add("NotBlank", f"{where}/guid")
    if permalink == "true" and (
        value.lower().startswith(("tag:", "urn:uuid:"))
        or not _absolute(value, f"{where}/guid", report, "InvalidHttpGUID")
    ):
        report.add("InvalidPermalink", f"{where}/guid", value)
    if permalink == "false" and len(value) < 9 and value.isdigit():
        report.add("NotSufficientlyUnique", f"{where}/guid", value)
    return value


# --- Atom 1.0 -------------------------------------------------------------------------


def _check_atom(data: bytes, url: str, report: _Report) -> None:
    feed = _xml(data, url, report)
    if feed is None:
        return
    _bad_characters(feed, report)
    if feed.tag != f"{ATOM}feed":
        report.add("UndefinedElement", url, f"root is {feed.tag}, not atom:feed")
        return
    _atom_metadata(feed, "feed", report)
    links = feed.findall(f"{ATOM}link")
    _self_link(links, url, "application/atom+xml", "feed", report)
    alternates = [link for link in links if link.get("rel", "alternate") == "alternate"]
    if not any(link.get("type") == "text/html" for link in alternates):
        report.add("MissingAlternateLink", "feed", "no rel=alternate type=text/html link")
    feed_author = feed.find(f"{ATOM}author") is not None
    if feed_author:
        _atom_person(feed.find(f"{ATOM}author"), "feed/author", report)
    ids = []
    for index, entry in enumerate(feed.findall(f"{ATOM}entry"), 1):
        where = f"entry[{index}]"
        ids.append(_atom_entry(entry, where, report, feed_author))
    _unique([value for value in ids if value], "DuplicateIds", "entry/id", report)


def _atom_metadata(element: Any, where: str, report: _Report) -> None:
    """What atom:feed and atom:source both need: id, title, updated, unique links."""
    for name in ("id", "title", "updated"):
        if element.find(f"{ATOM}{name}") is None:
            report.add("MissingElement", where, name)
    _atom_id(_once(element, f"{ATOM}id", where, report), f"{where}/id", report)
    _atom_text(_once(element, f"{ATOM}title", where, report), f"{where}/title", report)
    _atom_text(_once(element, f"{ATOM}subtitle", where, report), f"{where}/subtitle", report)
    updated = _once(element, f"{ATOM}updated", where, report)
    if updated is not None:
        _date(updated.text, f"{where}/updated", report, "rfc3339")
    links = element.findall(f"{ATOM}link")
    for link in links:
        _atom_link(link, f"{where}/link", report)
    keys = [
        (link.get("rel", "alternate"), link.get("type"), link.get("hreflang")) for link in links
    ]
    _unique([repr(key) for key in keys], "DuplicateAtomLink", where, report)


def _atom_entry(entry: Any, where: str, report: _Report, feed_author: bool) -> str | None:
    for name in ("id", "title", "updated"):
        if entry.find(f"{ATOM}{name}") is None:
            report.add("MissingElement", where, name)
    if entry.find(f"{ATOM}author") is None and not feed_author:
        report.add("MissingElement", where, "author")
    for author in entry.findall(f"{ATOM}author"):
        _atom_person(author, f"{where}/author", report)
    entry_id = _once(entry, f"{ATOM}id", where, report)
    _atom_id(entry_id, f"{where}/id", report)
    _atom_text(_once(entry, f"{ATOM}title", where, report), f"{where}/title", report)
    for name in ("updated", "published"):
        element = _once(entry, f"{ATOM}{name}", where, report)
        if element is not None:
            _date(element.text, f"{where}/{name}", report, "rfc3339")
    content = _once(entry, f"{ATOM}content", where, report)
    summary = _once(entry, f"{ATOM}summary", where, report)
    _atom_text(content, f"{where}/content", report, markup_needs_type=True)
    _atom_text(summary, f"{where}/summary", report, markup_needs_type=True)
    links = entry.findall(f"{ATOM}link")
    for link in links:
        _atom_link(link, f"{where}/link", report)
    alternates = [link for link in links if link.get("rel", "alternate") == "alternate"]
    if content is None and not alternates:
        report.add("MissingContentOrAlternate", where)
    if content is None and summary is None:
        report.add("MissingTextualContent", where)
    _unique(
        [repr((link.get("type"), link.get("hreflang"))) for link in alternates],
        "DuplicateAtomLink",
        where,
        report,
    )
    for category in entry.findall(f"{ATOM}category"):
        if not (category.get("term") or "").strip():
            report.add("MissingAttribute", f"{where}/category", "term")
    source = _once(entry, f"{ATOM}source", where, report)
    if source is not None:
        _atom_metadata(source, f"{where}/source", report)
        if not any(link.get("rel") == "self" for link in source.findall(f"{ATOM}link")):
            report.add("MissingSelf", f"{where}/source")
    return (entry_id.text or "").strip() if entry_id is not None else None


def _atom_id(element: Any, where: str, report: _Report) -> None:
    if element is None:
        return
    value = element.text or ""
    if value != value.strip():
        report.add("UnexpectedWhitespace", where)
    if value.startswith("urn:"):
        pattern = UUID_URN if value.lower().startswith("urn:uuid:") else URN
        if not pattern.match(value):
            report.add("InvalidURN", where, value)
    elif value.startswith("tag:"):
        if not re.match(r"^tag:[a-z0-9.@-]+,\d{4}(-\d\d(-\d\d)?)?:\S+$", value):
            report.add("InvalidTAG", where, value)
    else:
        _absolute(value, where, report)


def _atom_text(element: Any, where: str, report: _Report, markup_needs_type: bool = False) -> None:
    """A text construct: `text` holds no markup, `html` holds safe HTML."""
    if element is None:
        return
    kind = element.get("type", "text")
    if kind not in ("text", "html", "xhtml"):
        report.add("InvalidTextType", where, kind)
    elif kind == "html":
        _html(element.text, where, report)
    elif kind == "xhtml":
        report.add("UnsupportedContent", where, "xhtml is not used by this project")
    else:
        if markup_needs_type and element.get("type") is None:
            report.add("MissingTypeAttr", where)
        _plain_text(element.text, where, report)


def _atom_link(link: Any, where: str, report: _Report) -> None:
    rel = link.get("rel", "alternate")
    if rel not in ATOM_RELS and not _absolute(rel, where, _Report(None)):
        report.add("UnregisteredAtomLinkRel", where, rel)
    _absolute(link.get("href"), f"{where}@href", report, "MissingHref")
    if link.get("type") is not None and not MIME.match(link.get("type")):
        report.add("InvalidMIMEType", where, link.get("type"))
    if link.get("title") is not None:
        _plain_text(link.get("title"), f"{where}@title", report)


def _atom_person(person: Any, where: str, report: _Report) -> None:
    name = person.find(f"{ATOM}name")
    if name is None or not (name.text or "").strip():
        report.add("MissingElement", where, "name")
    uri = person.find(f"{ATOM}uri")
    if uri is not None:
        _absolute(uri.text, f"{where}/uri", report)


# --- JSON Feed 1.1 --------------------------------------------------------------------


def _check_json_feed(data: bytes, url: str, report: _Report) -> None:
    try:
        feed = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        report.add("NotWellFormed", url, str(exc))
        return
    if not isinstance(feed, dict):
        report.add("NotWellFormed", url, "top level is not an object")
        return
    if feed.get("version") != "https://jsonfeed.org/version/1.1":
        report.add("InvalidVersion", "version", repr(feed.get("version")))
    if not isinstance(feed.get("title"), str) or not feed["title"].strip():
        report.add("MissingElement", "feed", "title")
    _absolute(feed.get("home_page_url"), "home_page_url", report)
    if feed.get("feed_url") != url:
        report.add("SelfDoesntMatchLocation", "feed_url", f"{feed.get('feed_url')} != {url}")
    _json_unknown_keys(feed, JSON_FEED_KEYS, "feed", report)
    _json_authors(feed.get("authors"), "authors", report)
    for hub in feed.get("hubs", []):
        if not isinstance(hub, dict) or not hub.get("type") or not hub.get("url"):
            report.add("InvalidHub", "hubs", repr(hub))
    items = feed.get("items")
    if not isinstance(items, list):
        report.add("MissingElement", "feed", "items")
        return
    ids = []
    for index, item in enumerate(items, 1):
        where = f"items[{index}]"
        if not isinstance(item, dict):
            report.add("NotAnObject", where)
            continue
        if not isinstance(item.get("id"), str) or not item["id"]:
            report.add("MissingElement", where, "id (a non-empty string)")
        else:
            ids.append(item["id"])
        _json_item(item, where, report)
    _unique(ids, "DuplicateIds", "items/id", report)


def _json_item(item: dict[str, Any], where: str, report: _Report) -> None:
    _json_unknown_keys(item, JSON_ITEM_KEYS, where, report)
    for key in ("url", "external_url", "image", "banner_image"):
        if key in item:
            _absolute(item[key], f"{where}/{key}", report)
    if "title" in item:
        _plain_text(item["title"], f"{where}/title", report)
    if not isinstance(item.get("content_html"), str) and not isinstance(
        item.get("content_text"), str
    ):
        report.add("MissingElement", where, "content_html or content_text")
    if isinstance(item.get("content_html"), str):
        _html(item["content_html"], f"{where}/content_html", report)
    for key in ("date_published", "date_modified"):
        if key in item:
            _date(item[key], f"{where}/{key}", report, "rfc3339")
    _json_authors(item.get("authors"), f"{where}/authors", report)
    tags = item.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        report.add("InvalidTags", f"{where}/tags", repr(tags))


def _json_unknown_keys(
    data: dict[str, Any], known: frozenset[str], where: str, report: _Report
) -> None:
    for key in data:
        if key not in known and not key.startswith("_"):
            report.add("UndefinedElement", where, f"{key} (extensions start with '_')")


def _json_authors(authors: Any, where: str, report: _Report) -> None:
    if authors is None:
        return
    if not isinstance(authors, list) or not all(isinstance(a, dict) for a in authors):
        report.add("InvalidAuthors", where, repr(authors))
        return
    for author in authors:
        if not (author.get("name") or author.get("url") or author.get("avatar")):
            report.add("InvalidAuthors", where, "an author needs a name, url or avatar")


# --- OPML -----------------------------------------------------------------------------


def _check_opml(data: bytes, url: str, report: _Report) -> None:
    root = _xml(data, url, report)
    if root is None:
        return
    _bad_characters(root, report)
    if root.tag != "opml" or root.get("version") not in ("1.0", "1.1", "2.0"):
        report.add("InvalidOPMLVersion", url, repr(root.get("version")))
    head, body = root.find("head"), root.find("body")
    if head is None or body is None:
        report.add("MissingElement", "opml", "head and body")
        return
    for element in head:
        if element.tag not in OPML_HEAD:
            report.add("UndefinedElement", "head", str(element.tag))
        elif element.tag in ("dateCreated", "dateModified"):
            _date(element.text, f"head/{element.tag}", report, "rfc822")
    outlines = list(body.iter("outline"))
    if not outlines:
        report.add("MissingElement", "body", "outline")
    xml_urls = []
    for index, outline in enumerate(outlines, 1):
        where = f"outline[{index}]"
        if not outline.get("text"):
            report.add("MissingAttribute", where, "text")
        kind = (outline.get("type") or "").lower()
        if kind == "rss":
            if outline.get("xmlUrl") is None:
                report.add("MissingXmlURL", where)
            if outline.get("title") is None:
                report.add("MissingTitleAttr", where)
            xml_urls.append(outline.get("xmlUrl") or "")
        elif not kind and set(outline.attrib) & {"htmlUrl", "xmlUrl", "title", "version"}:
            report.add("MissingOutlineType", where)
        if outline.get("version") not in (None, "RSS", "RSS1", "RSS2", "scriptingNews"):
            report.add("InvalidOutlineVersion", where, outline.get("version"))
        for attribute in ("xmlUrl", "htmlUrl", "url"):
            if outline.get(attribute) is not None:
                _absolute(outline.get(attribute), f"{where}@{attribute}", report)
    _unique(xml_urls, "DuplicateValue", "outline@xmlUrl", report)

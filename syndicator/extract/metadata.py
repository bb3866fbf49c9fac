"""What a page says about itself: JSON-LD, Open Graph, meta tags, `<time>`, bylines.

Read from the whole tree before anything is removed. Sources are tried strongest
first (JSON-LD of the article, then Open Graph / article:*, then other meta names,
then visible markup); the first usable value wins.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml import etree
from lxml.html import HtmlElement

from ..urls import absolutize
from .boilerplate import class_kind
from .dates import parse_date

ARTICLE_TYPES = frozenset(
    {
        "article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle",
        "opinionnewsarticle", "backgroundnewsarticle", "reviewnewsarticle", "blogposting",
        "socialmediaposting", "techarticle", "scholarlyarticle", "report", "liveblogposting",
        "pressrelease", "webpage", "itempage",
    }
)  # fmt: skip
# Meta names/properties per field, strongest first.
META_TITLE = ("og:title", "twitter:title", "dc.title", "sailthru.title", "parsely-title")
META_SITE = ("og:site_name", "application-name", "twitter:site", "publisher")
META_AUTHOR = (
    "author", "article:author", "dc.creator", "dcterms.creator", "sailthru.author",
    "parsely-author", "citation_author", "byl", "twitter:creator",
)  # fmt: skip
META_PUBLISHED = (
    "article:published_time", "og:article:published_time", "datepublished",
    "pubdate", "publishdate", "publish-date", "dc.date.issued", "dcterms.created",
    "dc.date", "dcterms.date", "date", "sailthru.date", "parsely-pub-date",
    "citation_publication_date", "article.published", "published_time",
)  # fmt: skip
META_UPDATED = (
    "article:modified_time", "og:updated_time", "datemodified", "dcterms.modified",
    "last-modified", "article.updated", "modified_time",
)  # fmt: skip
META_IMAGE = ("og:image", "og:image:url", "og:image:secure_url", "twitter:image",
              "twitter:image:src", "thumbnail")  # fmt: skip
META_DESCRIPTION = ("og:description", "description", "twitter:description", "dc.description")
META_LANGUAGE = ("content-language", "og:locale", "dc.language", "language")
# Visible bylines, when the head says nothing: class words of byline elements.
BYLINE_CLASS = re.compile(
    r"(?i)(?<![a-z])(?:byline|author|writer|contributor)(?:[-_]?name)?(?![a-z])"
)
# Visible bylines by their wording ("By Jane Doe, DOD News", "Story by Sgt. Maria Delgado").
BYLINE_TEXT = re.compile(
    r"(?:(?:story|written|words|reporting|posted|text)\s+)?by[:\s]+[A-ZÀ-Þ]", re.IGNORECASE
)
# Elements whose class or id says they hold the date; their text is read when nothing
# machine-readable states one.
_DATED = etree.XPath(
    ".//*[@class or @id][re:test(concat(@class, ' ', @id), "
    "'(^|[^a-z])(date|dateline|pubdate|published|posted-on|post-date|entry-date|timestamp)"
    "([^a-z]|$)', 'i')]",
    namespaces={"re": "http://exslt.org/regular-expressions"},
)
DATE_TEXT_CHARS = 80
PERMALINK_SIGNS = "¶§#⚓🔗 \n\t"


@dataclass(frozen=True, slots=True)
class PageMeta:
    """Everything the head, JSON-LD and bylines say about the article."""

    title: str | None = None
    site_name: str | None = None
    publisher: str | None = None
    authors: tuple[str, ...] = ()
    byline: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    canonical_url: str | None = None
    og_url: str | None = None
    image: str | None = None
    description: str | None = None
    language: str | None = None
    accessible_for_free: bool | None = None
    headline: str | None = None
    h1: str | None = None


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        cleaned = " ".join(value.split())
        return cleaned or None
    return None


def json_ld_objects(root: HtmlElement) -> Iterator[dict[str, Any]]:
    """Every JSON-LD object on the page, `@graph` and lists flattened; bad JSON skipped."""
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            try:  # sites often leave raw newlines or trailing commas inside strings
                data = json.loads(re.sub(r",\s*([}\]])", r"\1", raw.replace("\n", " ")))
            except ValueError:
                continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                yield item
                if "@graph" in item:
                    stack.append(item["@graph"])


def _types(obj: dict[str, Any]) -> set[str]:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.lower() for k in kinds if isinstance(k, str)}


def _article_object(root: HtmlElement) -> dict[str, Any] | None:
    best: dict[str, Any] | None = None
    for obj in json_ld_objects(root):
        kinds = _types(obj)
        if kinds & ARTICLE_TYPES and (
            best is None or (kinds - {"webpage", "itempage"} and obj.get("headline"))
        ):
            best = obj
    return best


def _names(value: Any) -> list[str]:
    """Person names from a JSON-LD author value (string, object, list)."""
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        name = _text(item.get("name")) if isinstance(item, dict) else _text(item)
        if name and not name.lower().startswith(("http://", "https://")):
            names.append(name)
    return names


def _image(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("url") or value.get("contentUrl")
    return _text(value)


def _meta_table(root: HtmlElement) -> dict[str, str]:
    table: dict[str, str] = {}
    head = root.find("head")
    scope = head if head is not None else root
    for meta in scope.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop")
        key = key or meta.get("http-equiv")
        content = meta.get("content")
        if key and content and content.strip():
            table.setdefault(key.strip().lower(), content.strip())
    return table


def _first(table: dict[str, str], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        if table.get(key):
            return table[key]
    return None


def read_metadata(root: HtmlElement, url: str | None, *, now: datetime | None = None) -> PageMeta:
    """Collect the page's own statements about the article."""
    meta = _meta_table(root)
    ld = _article_object(root) or {}
    publisher = ld.get("publisher")
    publisher_name = _text(publisher.get("name")) if isinstance(publisher, dict) else None
    canonical = None
    for link in root.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split():
            canonical = absolutize(link.get("href"), url)
            break
    title_el = root.find(".//title")
    page_title = _text(title_el.text_content()) if title_el is not None else None
    # Documentation generators end headings with a permalink sign ("Title¶").
    h1s = [_text(h.text_content().rstrip(PERMALINK_SIGNS)) for h in root.iter("h1")]
    h1s = [h for h in h1s if h]
    authors = _names(ld.get("author")) or _names(ld.get("creator"))
    if not authors:
        named = _first(meta, META_AUTHOR)
        if named and not named.lower().startswith(("http://", "https://", "@")):
            authors = [named]
    byline = None if authors else _visible_byline(root)
    published = parse_date(_text(ld.get("datePublished")), now=now) or parse_date(
        _first(meta, META_PUBLISHED), now=now
    )
    if published is None:
        published = _visible_date(root, now)
    updated = parse_date(_text(ld.get("dateModified")), now=now) or parse_date(
        _first(meta, META_UPDATED), now=now
    )
    html_lang = root.get("lang") or root.get("xml:lang")
    language = _text(ld.get("inLanguage")) or html_lang or _first(meta, META_LANGUAGE)
    free = ld.get("isAccessibleForFree")
    return PageMeta(
        title=_first(meta, META_TITLE) or _text(ld.get("headline")) or page_title,
        site_name=_first(meta, META_SITE) or publisher_name,
        publisher=publisher_name,
        authors=tuple(authors),
        byline=byline,
        published=published,
        updated=updated,
        canonical_url=canonical,
        og_url=absolutize(meta.get("og:url"), url),
        image=absolutize(_first(meta, META_IMAGE) or _image(ld.get("image")), url),
        description=_first(meta, META_DESCRIPTION) or _text(ld.get("description")),
        language=_normalize_language(language),
        accessible_for_free=_boolean(free),
        headline=_text(ld.get("headline")),
        h1=h1s[0] if len(h1s) == 1 else None,
    )


def _visible_byline(root: HtmlElement) -> str | None:
    """The first byline a reader sees: by class (`byline`, WordPress `author vcard`,
    `itemprop=author`), else a short line that reads "By …" / "Story by …"."""
    body = root.find("body")
    scope = body if body is not None else root
    for el in scope.iter():
        if not isinstance(el.tag, str):
            continue
        if (
            el.get("itemprop") == "author"
            or el.get("rel") == "author"
            or BYLINE_CLASS.search(el.get("class") or "")
        ) and not _in_furniture(el):
            text = _text(el.text_content())
            if text and len(text) < 120:
                return text
    for el in scope.iter("p", "div", "span", "li", "address", "h4", "h5", "h6"):
        text = _text(el.text_content())
        if text and len(text) < 100 and BYLINE_TEXT.match(text) and not _in_furniture(el):
            return text
    return None


def _in_furniture(el: HtmlElement) -> bool:
    """Inside comments, related stories, sidebars, menus or the footer: a commenter's
    name or a teaser's date there is not the article's."""
    for ancestor in el.iterancestors():
        if ancestor.tag in ("nav", "aside", "footer"):
            return True
        names = f"{ancestor.get('class') or ''} {ancestor.get('id') or ''}".strip()
        if names and class_kind(names) in ("strong", "weak") and not BYLINE_CLASS.search(names):
            return True
    return False


def _visible_date(root: HtmlElement, now: datetime | None) -> datetime | None:
    """`<time>` or `itemprop=datePublished`, else a short element whose class says it
    is the date ("article-date", "posted-on", "entry-date") and whose text is one."""
    for el in root.iter("time", "meta", "span", "div", "p"):
        if (el.tag == "time" or el.get("itemprop") == "datePublished") and not _in_furniture(el):
            value = el.get("datetime") or el.get("content") or el.text_content()
            found = parse_date(value, now=now)
            if found:
                return found
    body = root.find("body")
    for el in _DATED(body if body is not None else root):
        text = _text(el.text_content())
        if text and len(text) <= DATE_TEXT_CHARS and not _in_furniture(el):
            found = parse_date(text, now=now)
            if found:
                return found
    return None


def _boolean(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def _normalize_language(value: str | None) -> str | None:
    if not value:
        return None
    code = value.strip().replace("_", "-")
    match = re.fullmatch(r"([A-Za-z]{2,3})(?:-([A-Za-z0-9]{2,8}))?", code)
    if not match:
        return None
    primary, region = match.groups()
    return primary.lower() + (f"-{region.upper()}" if region and len(region) == 2 else "")

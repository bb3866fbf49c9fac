"""Make text and HTML fit for a feed, whatever the earlier stages let through.

The cleaner already sanitized each article, but a feed has rules of its own (the W3C
Feed Validation Service's): no characters XML forbids or readers garble, plain-text
titles, no script/style/iframe/form, absolute URLs only. So the content is cleaned
again here, by allowlist, against those rules. The allowlists are data.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from urllib.parse import quote, urlsplit, urlunsplit

import nh3
from lxml.html import fragment_fromstring

from ..limits import cut_at_word
from ..urls import absolutize

# Elements a feed may carry: the validator's safe HTML, less forms, scripting
# fallbacks and anything that only works with script.
CONTENT_TAGS = frozenset(
    {
        *("a", "abbr", "acronym", "address", "article", "aside", "audio", "b", "bdi", "bdo"),
        *("big", "blockquote", "br", "caption", "center", "cite", "code", "col", "colgroup"),
        *("data", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption"),
        *("figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr"),
        *("i", "img", "ins", "kbd", "li", "main", "mark", "nav", "ol", "p", "picture", "pre"),
        *("q", "rp", "rt", "ruby", "s", "samp", "section", "small", "source", "span"),
        *("strike", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th"),
        *("thead", "time", "tr", "track", "tt", "u", "ul", "var", "video", "wbr"),
    }
)

# Elements removed together with everything inside them.
DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "template", "noscript", "iframe", "object", "embed", "applet"}
    | {"form", "button", "select", "textarea", "input", "option", "optgroup", "datalist"}
    | {"frame", "frameset", "noframes", "math", "svg", "canvas", "dialog", "head", "title"}
)

# Attributes kept per element ("*": on every element). No style, class, id or on*.
CONTENT_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"title", "lang", "dir"},
    "a": {"href", "hreflang"},
    "img": {"src", "srcset", "sizes", "alt", "width", "height"},
    "source": {"src", "srcset", "sizes", "type", "media"},
    "video": {"src", "poster", "controls", "width", "height"},
    "audio": {"src", "controls"},
    "track": {"src", "kind", "srclang", "label"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
    "time": {"datetime"},
    "data": {"value"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "td": {"colspan", "rowspan", "headers"},
    "th": {"colspan", "rowspan", "headers", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
}

URL_ATTRIBUTES = frozenset({"href", "src", "cite", "poster"})
URL_SCHEMES = frozenset({"http", "https", "mailto"})

# Characters XML 1.0 forbids, plus C1 controls, DEL, lone surrogates, noncharacters and
# U+FFFD: legal or not, the validator flags them as "bad characters" (mis-decoded text).
_BAD_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffd\ufffe\uffff]")
_WHITESPACE = re.compile(r"\s+")
_LOOKS_LIKE_MARKUP = re.compile(
    r"</?[A-Za-z][^<>]*>|&(?:#\d+|#x[0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);"
)
_ABSOLUTE_WEB_URL = re.compile(r"https?://[^\s/?#]+(?:[/?#]\S*)?\Z", re.IGNORECASE)
_SRCSET_CANDIDATE = re.compile(r"\s*([^\s,]+)(\s+[^,]+)?\s*(?:,|$)")


def clean_text(text: str) -> str:
    """The text without characters XML forbids or readers show as garbage."""
    return _BAD_CHARACTERS.sub("", text)


def plain_text(text: str) -> str:
    """One line of plain text from text that may hold markup or escaped markup.

    Unescapes and strips tags until nothing changes (double-escaped titles are common),
    then collapses white space. A `<` still followed by a letter would read as a tag to
    the validator, so it becomes `‹`.
    """
    current = clean_text(text)
    for _ in range(3):
        if not _LOOKS_LIKE_MARKUP.search(current):
            break
        current = html.unescape(_text_of_fragment(current))
    current = re.sub(r"<(?=[A-Za-z/!?])", "‹", current)
    return _WHITESPACE.sub(" ", clean_text(current)).strip()


def _text_of_fragment(markup: str) -> str:
    if "<" not in markup:
        return markup
    root = fragment_fromstring(f"<div>{markup}</div>")
    return str(root.text_content())


def excerpt(text: str, limit: int) -> str:
    """At most `limit` characters of plain text, cut at a word boundary with an ellipsis."""
    return cut_at_word(_WHITESPACE.sub(" ", clean_text(text)).strip(), limit)


# Characters a URL may carry unescaped (RFC 3986 reserved and unreserved, and `%` so
# existing escapes survive); anything else, a space or a non-ASCII letter, is escaped.
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~-._"


def web_url(url: str | None) -> str | None:
    """An absolute http(s) URL fit for a feed: no control characters, spaces or raw
    non-ASCII (an internationalised host becomes its IDNA form); None otherwise."""
    if not url:
        return None
    parts = urlsplit(clean_text(url).strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    netloc = parts.netloc
    if not netloc.isascii():
        try:
            netloc = netloc.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    path, query, fragment = (quote(part, safe=_URL_SAFE) for part in parts[2:])
    return urlunsplit((parts.scheme.lower(), netloc, path, query, fragment))


def feed_html(markup: str, base_url: str | None) -> str:
    """Content HTML that passes the feed rules: allowlisted, absolute URLs, clean text."""
    if not markup.strip():
        return ""
    cleaned = nh3.clean(
        clean_text(markup),
        tags=set(CONTENT_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes=CONTENT_ATTRIBUTES,
        attribute_filter=_url_rewriter(base_url),
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return clean_text(cleaned).strip()  # attribute values rewritten above are text too


def _url_rewriter(base_url: str | None) -> Callable[[str, str, str], str | None]:
    """An nh3 attribute filter that makes every URL absolute or drops it."""

    def rewrite(element: str, attribute: str, value: str) -> str | None:
        if attribute in URL_ATTRIBUTES:
            if _ABSOLUTE_WEB_URL.match(value):
                return value  # the cleaner already made most URLs absolute: skip urljoin
            return absolutize(value, base_url)
        if attribute == "srcset":
            return _absolute_srcset(value, base_url)
        return value

    return rewrite


def _absolute_srcset(value: str, base_url: str | None) -> str | None:
    candidates = []
    for match in _SRCSET_CANDIDATE.finditer(value):
        if not match.group(1):
            continue
        url = absolutize(match.group(1), base_url)
        if url is not None:
            candidates.append(url + (match.group(2) or "").rstrip())
    return ", ".join(candidates) or None

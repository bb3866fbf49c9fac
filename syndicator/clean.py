"""Make an extracted article body safe and self-contained.

Pure functions over lxml elements and strings, run in this order by the extractor:

1. `images_from_noscript` (whole page, first) and `resolve_lazy_images`: lazy images
   (`data-src`, `data-lazy-src`, `srcset`, `data-srcset`, `<picture>`, `<noscript>`) get a `src`;
2. `absolutize_links`: every `href`/`src` made absolute against the page URL, tracking
   query parameters dropped, script URLs removed;
3. `remove_trackers`: tracking pixels and images/links on known tracker hosts;
4. `sanitize`: the allowlist sanitizer (nh3), always LAST, on the serialized body;
5. `html_to_text` / `summarize`: plain text for search, digests and the feed summary.

The allowlists, tracker hosts and lazy-image attributes are data below, not code.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

import lxml.html
import nh3
from lxml import etree
from lxml.html import HtmlElement

from .urls import absolutize, registered_host, strip_tracking

# --- allowlist sanitizer (data) ---------------------------------------------------------

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup",
        "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure",
        "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark",
        "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary",
        "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start", "reversed"},
    "td": {"colspan", "rowspan", "headers"},
    "th": {"colspan", "rowspan", "headers", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "time": {"datetime"},
}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Tags dropped together with everything inside them (not merely unwrapped).
DROP_WITH_CONTENT = frozenset(
    {
        "script", "style", "iframe", "frame", "frameset", "noscript", "template", "object",
        "embed", "applet", "svg", "math", "textarea", "select", "button", "input",
        "canvas", "audio", "video", "map", "head", "title", "meta", "link", "base",
    }
)  # fmt: skip

_SANITIZER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(DROP_WITH_CONTENT),
    attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    url_schemes=set(ALLOWED_URL_SCHEMES),
    strip_comments=True,
    link_rel="noopener noreferrer",
    url_relative="deny",  # everything was made absolute before; anything left is suspect
)


def sanitize(html: str) -> str:
    """The HTML reduced to the allowlist: no scripts, styles, frames, forms, handlers."""
    return _SANITIZER.clean(html)


# --- lazy images ------------------------------------------------------------------------

# Where lazy-loading scripts keep the real image, most specific first.
LAZY_SRC_ATTRIBUTES = (
    "data-src",
    "data-lazy-src",
    "data-original",
    "data-lazy",
    "data-url",
    "data-hi-res-src",
    "data-full-src",
    "data-orig-file",
    "data-large-file",
)
LAZY_SRCSET_ATTRIBUTES = ("data-srcset", "data-lazy-srcset", "srcset")
# A `src` that only holds the place of the real image.
_PLACEHOLDER_SRC = re.compile(
    r"^(?:data:|about:blank)|(?:blank|spacer|placeholder|transparent|pixel|grey|loading|lazy)"
    r"[\w-]*\.(?:gif|png|svg|jpe?g|webp)",
    re.IGNORECASE,
)


def best_from_srcset(srcset: str) -> str | None:
    """The largest candidate of a `srcset` ("a.jpg 480w, b.jpg 1080w" -> "b.jpg").

    Parsed as the HTML standard describes (a URL is a run of non-space characters;
    commas inside it are part of it unless they end it), written by hand because no
    well-kept library exposes that small parser.
    """
    best: tuple[float, str] | None = None
    position, length = 0, len(srcset)
    while position < length:
        while position < length and (srcset[position].isspace() or srcset[position] == ","):
            position += 1
        start = position
        while position < length and not srcset[position].isspace():
            position += 1
        url = srcset[start:position]
        descriptor = ""
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            end = srcset.find(",", position)
            end = length if end == -1 else end
            descriptor, position = srcset[position:end].strip(), end
        if not url:
            continue
        match = re.fullmatch(r"(\d+(?:\.\d+)?)([wx])", descriptor.split()[0] if descriptor else "")
        size = float(match.group(1)) if match else 1.0
        if best is None or size > best[0]:
            best = (size, url)
    return best[1] if best else None


def _real_image_src(img: HtmlElement) -> str | None:
    for name in LAZY_SRC_ATTRIBUTES:
        value = (img.get(name) or "").strip()
        if value and not value.startswith("data:"):
            return value
    for name in LAZY_SRCSET_ATTRIBUTES:
        value = (img.get(name) or "").strip()
        if value:
            found = best_from_srcset(value)
            if found and not found.startswith("data:"):
                return found
    # libxml2 does not know <source> is empty, so the img may sit inside one.
    picture = next(img.iterancestors("picture"), None)
    if picture is not None:
        for source in picture.iter("source"):
            found = best_from_srcset(source.get("srcset") or source.get("data-srcset") or "")
            if found and not found.startswith("data:"):
                return found
    return None


def images_from_noscript(root: HtmlElement) -> None:
    """Keep the real image of a `<noscript>` fallback before scripts' tags go (in place).

    Lazy-loading themes write `<img src="placeholder.gif" data-src=…>` followed by
    `<noscript><img src="real.jpg"></noscript>`, or only the placeholder and the
    noscript. The placeholder that has no real source takes the noscript's; a noscript
    image with no placeholder before it takes the noscript's place.
    """
    for noscript in list(root.iter("noscript")):
        inner = [img for img in noscript.iter("img") if (img.get("src") or "").strip()]
        if not inner or noscript.getparent() is None:
            continue
        before = noscript.getprevious()
        placeholder = None
        if before is not None and isinstance(before.tag, str):
            placeholder = before if before.tag == "img" else next(before.iter("img"), None)
        if placeholder is not None:
            if _real_image_src(placeholder) is None and _is_placeholder(placeholder):
                placeholder.set("src", inner[0].get("src", ""))
            continue  # the lazy image stands for it; the noscript goes with the scripts
        for img in inner:
            noscript.addprevious(img)  # moves it (tail and all) out of the noscript


def _is_placeholder(img: HtmlElement) -> bool:
    src = (img.get("src") or "").strip()
    return not src or _PLACEHOLDER_SRC.search(src) is not None


def resolve_lazy_images(root: HtmlElement) -> None:
    """Give every image its real `src` (in place); images with none at all are removed."""
    for img in list(root.iter("img")):
        src = (img.get("src") or "").strip()
        if not src or _PLACEHOLDER_SRC.search(src):
            real = _real_image_src(img)
            if real:
                img.set("src", real)
            elif src.startswith("data:") or not src:
                _remove_keep_tail(img)
                continue
        for name in (*LAZY_SRC_ATTRIBUTES, *LAZY_SRCSET_ATTRIBUTES, "sizes", "loading"):
            if name in img.attrib:
                del img.attrib[name]
    for picture in list(root.iter("picture")):
        for source in list(picture.iter("source")):
            source.drop_tag()  # keeps the img libxml2 may have nested inside it
        picture.drop_tag()


# --- links, trackers --------------------------------------------------------------------

URL_ATTRIBUTES = ("href", "src", "cite", "poster")

# Hosts whose images and links only track the reader or sell ads (registered host or
# a parent domain of it).
TRACKER_HOSTS = frozenset(
    {
        "doubleclick.net", "googlesyndication.com", "google-analytics.com",
        "googletagmanager.com", "googletagservices.com", "googleadservices.com",
        "adservice.google.com", "scorecardresearch.com", "quantserve.com", "quantcount.com",
        "chartbeat.net", "chartbeat.com", "pixel.wp.com", "stats.wp.com", "facebook.net",
        "analytics.twitter.com", "t.co", "bat.bing.com", "clarity.ms", "hotjar.com",
        "newrelic.com", "nr-data.net", "outbrain.com", "taboola.com", "amazon-adsystem.com",
        "adnxs.com", "criteo.com", "criteo.net", "pubmatic.com", "rubiconproject.com",
        "moatads.com", "krxd.net", "mathtag.com", "bluekai.com", "exelator.com",
        "addthis.com", "sharethis.com", "mc.yandex.ru", "feedsportal.com", "parsely.com",
        "list-manage.com", "mailchimp.com", "piano.io", "tinypass.com", "zemanta.com",
        "revcontent.com", "mgid.com", "adroll.com", "branch.io", "onesignal.com",
    }
)  # fmt: skip
# Feed proxies that insert per-item tracking images ("feedburner ~r" and friends).
_TRACKER_PATHS = re.compile(r"/~r/|/~ff/|/tr\?|/pixel[./?]|/beacon[./?]|/track(?:ing)?/", re.I)
_TINY = re.compile(r"^\s*[0-2](?:px)?\s*$")


def usable_url(url: str | None) -> str | None:
    """`url` if the standard library can take it apart, else None.

    urllib raises ValueError on some malformed URLs ("http://[::1"); one such link in
    a hostile page must not stop the extraction of the rest.
    """
    if not url:
        return None
    try:
        urlsplit(url).port  # noqa: B018 - the port check is where bad hosts raise
    except ValueError:
        return None
    return url


def drop_unusable_links(root: HtmlElement) -> None:
    """Remove URL attributes that cannot even be parsed (in place)."""
    for el in root.iter(etree.Element):
        for name in URL_ATTRIBUTES:
            value = el.get(name)
            if value is not None and usable_url(value.strip()) is None:
                del el.attrib[name]


def is_tracker_url(url: str) -> bool:
    """True for URLs on tracker/ad hosts or with a tracking-pixel path."""
    if usable_url(url) is None:
        return False
    host = registered_host(url)
    while host:
        if host in TRACKER_HOSTS:
            return True
        _, _, host = host.partition(".")
    return bool(_TRACKER_PATHS.search(urlsplit(url).path + "?" + urlsplit(url).query))


def absolutize_links(root: HtmlElement, base_url: str | None) -> None:
    """Make every URL attribute absolute (in place); drop tracking params and script URLs."""
    for el in root.iter(etree.Element):
        for name in URL_ATTRIBUTES:
            value = el.get(name)
            if value is None:
                continue
            if value.strip().startswith("#") and name == "href":
                del el.attrib[name]  # in-page anchors point nowhere once republished
                continue
            resolved = absolutize(value, base_url)
            if resolved is None:
                del el.attrib[name]
            else:
                el.set(name, strip_tracking(resolved))


def remove_trackers(root: HtmlElement) -> None:
    """Remove tracking pixels and tracker/ad images and links (in place)."""
    for img in list(root.iter("img")):
        src = img.get("src") or ""
        tiny = _TINY.match(img.get("width") or "x") and _TINY.match(img.get("height") or "x")
        if tiny or (src and is_tracker_url(src)):
            _remove_keep_tail(img)
    for anchor in list(root.iter("a")):
        href = anchor.get("href") or ""
        if href and is_tracker_url(href) and not anchor.text_content().strip():
            _remove_keep_tail(anchor)


def _remove_keep_tail(el: HtmlElement) -> None:
    if el.getparent() is not None:
        el.drop_tree()  # lxml's drop_tree keeps the element's tail text


# --- plain text -------------------------------------------------------------------------

# Elements that start a new paragraph in plain text.
TEXT_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "caption", "dd", "details", "div",
        "dl", "dt", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
        "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary",
        "table", "tbody", "thead", "tfoot", "tr", "ul",
    }
)  # fmt: skip
_PARAGRAPH, _LINE = "\x00", "\x01"
# Inside a table cell or a list item, paragraphs and divs only wrap the item's text.
_CELLS = frozenset({"td", "th", "li", "dd", "dt"})
_WRAPPERS = frozenset({"p", "div"})
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0\u2000-\u200b\u3000]+")


def html_to_text(
    html: str | HtmlElement, *, skip: Callable[[HtmlElement], bool] | None = None
) -> str:
    """Readable plain text: paragraphs separated by blank lines, list items as "- ".

    Elements for which `skip` is true are left out (their tail text is kept).
    """
    if isinstance(html, str):
        if not html.strip():
            return ""
        parser = lxml.html.HTMLParser(huge_tree=True)  # deep nesting is not an error here
        root = lxml.html.fragment_fromstring(html, create_parent="div", parser=parser)
    else:
        root = html
    pieces: list[str] = []
    pre_depth = cell_depth = 0
    skipping: HtmlElement | None = None
    # iterwalk instead of recursion: hostile pages nest thousands of levels deep.
    for event, el in etree.iterwalk(root, events=("start", "end")):
        if skipping is not None:
            if event == "end" and el is skipping:
                skipping = None
                if el.tail:
                    pieces.append(el.tail)
            continue
        tag = el.tag if isinstance(el.tag, str) else None
        if event == "start" and skip is not None and el is not root and skip(el):
            skipping = el
            continue
        if event == "start":
            if tag in _CELLS:
                cell_depth += 1
            if cell_depth and tag in _WRAPPERS:
                pieces.append(" ")  # <td><p>…</p></td>, <li><p>…</p></li>: one line
            elif tag in TEXT_BLOCKS:
                pieces.append(_PARAGRAPH if tag not in ("li", "tr", "dd", "dt") else _LINE)
                if tag == "li":
                    pieces.append("- ")
            if tag == "pre":
                pre_depth += 1
            elif tag == "br":
                pieces.append(_LINE)
            elif tag in ("td", "th"):
                pieces.append(" ")
            if tag is not None and el.text:
                pieces.append(el.text.replace("\n", _LINE) if pre_depth else el.text)
        else:
            if tag == "pre":
                pre_depth -= 1
            if cell_depth and tag in _WRAPPERS:
                pieces.append(" ")
            elif tag in TEXT_BLOCKS:
                pieces.append(_PARAGRAPH if tag not in ("li", "tr", "dd", "dt") else _LINE)
            if tag in _CELLS:
                cell_depth -= 1
            if el is not root and el.tail:
                pieces.append(el.tail.replace("\n", _LINE) if pre_depth else el.tail)
    paragraphs = []
    for chunk in "".join(pieces).split(_PARAGRAPH):
        lines = (_SPACES.sub(" ", line).strip() for line in chunk.split(_LINE))
        text = "\n".join(line for line in lines if line and line != "-")
        if text:
            paragraphs.append(text)
    return "\n\n".join(paragraphs)


_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*\s")


def summarize(text: str, limit: int = 400) -> str:
    """A plain-text excerpt of about `limit` characters, cut at a sentence or word."""
    flat = _SPACES.sub(" ", text).strip()
    if len(flat) <= limit:
        return flat
    window = flat[: limit + 1]
    ends = [match.end() for match in _SENTENCE_END.finditer(window)]
    if ends and ends[-1] >= limit // 2:
        return window[: ends[-1]].strip()
    cut = window.rfind(" ")
    return (window[: cut if cut > limit // 2 else limit].rstrip(" ,;:-–—") + "…").strip()

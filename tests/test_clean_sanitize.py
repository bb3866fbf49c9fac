"""The allowlist sanitizer: hostile markup in, inert article markup out."""

from __future__ import annotations

import pytest

from syndicator.clean import sanitize


def test_scripts_and_styles_are_removed_with_their_content() -> None:
    """Script and style elements disappear together with the code inside them."""
    out = sanitize("<p>Hello</p><script>alert(1)</script><style>p{color:red}</style>")
    assert out == "<p>Hello</p>"


@pytest.mark.parametrize(
    "attribute",
    ['onclick="alert(1)"', 'onerror="alert(1)"', 'onload="x()"', 'onmouseover="x()"'],
)
def test_event_handlers_are_dropped(attribute: str) -> None:
    """No on* attribute survives, on any element."""
    out = sanitize(f'<p {attribute}>text</p><img src="https://e.org/a.png" {attribute}>')
    assert "on" not in out.replace("noopener", "").split("src=")[0]
    assert "alert" not in out and "x()" not in out
    assert "text" in out


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    ],
)
def test_script_urls_lose_their_href(href: str) -> None:
    """Links to script or data URLs keep their text but lose the URL."""
    out = sanitize(f'<a href="{href}">click</a>')
    assert "click" in out
    assert "href" not in out


def test_nested_iframes_and_frames_vanish() -> None:
    """Iframes, frames and objects go, including whatever is nested in them."""
    html = (
        '<div><iframe src="https://evil.example/"><iframe src="javascript:x"></iframe>'
        'inner</iframe><object data="x.swf"><embed src="y.swf"></object><p>kept</p></div>'
    )
    out = sanitize(html)
    assert "iframe" not in out and "object" not in out and "embed" not in out
    assert "evil" not in out and "javascript" not in out and "swf" not in out
    assert "<p>kept</p>" in out


def test_svg_and_math_tricks_are_removed() -> None:
    """SVG/MathML payloads (script inside, xlink javascript, animate) do not survive."""
    html = (
        "<p>safe</p>"
        '<svg><script>alert(1)</script><a xlink:href="javascript:alert(2)"><text>t</text></a>'
        '<animate attributeName="href" to="javascript:alert(3)"/></svg>'
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(4)>"
    )
    out = sanitize(html)
    assert "alert" not in out
    assert "svg" not in out and "math" not in out
    assert "safe" in out


def test_forms_and_inputs_are_removed() -> None:
    """Newsletter forms and their inputs never reach a feed reader."""
    out = sanitize('<form action="/subscribe"><input name="email"><button>Go</button></form>ok')
    assert out == "ok"


def test_style_attributes_and_classes_are_dropped() -> None:
    """Presentation attributes that could hide or restyle content are removed."""
    out = sanitize('<p class="x" id="y" style="display:none">visible</p>')
    assert out == "<p>visible</p>"


def test_article_markup_is_kept() -> None:
    """Headings, lists, quotes, tables, figures and captions survive sanitizing."""
    html = (
        "<h2>Sub</h2><ul><li>one</li></ul><blockquote>q</blockquote>"
        "<table><tbody><tr><td>cell</td></tr></tbody></table>"
        '<figure><img src="https://e.org/a.jpg" alt="A"><figcaption>Cap</figcaption></figure>'
    )
    out = sanitize(html)
    for fragment in ("<h2>Sub</h2>", "<li>one</li>", "<blockquote>q</blockquote>", "<td>cell</td>"):
        assert fragment in out
    assert '<img src="https://e.org/a.jpg" alt="A">' in out
    assert "<figcaption>Cap</figcaption>" in out


def test_links_get_noopener_and_keep_absolute_href() -> None:
    """Absolute http(s) links are kept and marked rel="noopener noreferrer"."""
    out = sanitize('<a href="https://e.org/x">x</a>')
    assert out == '<a href="https://e.org/x" rel="noopener noreferrer">x</a>'


def test_relative_urls_are_denied() -> None:
    """Relative URLs (which should have been made absolute before) are removed."""
    out = sanitize('<a href="/relative">x</a><img src="rel.png">')
    assert "relative" not in out and "rel.png" not in out


def test_comments_and_conditional_comments_are_stripped() -> None:
    """HTML comments, including IE conditional payloads, are removed."""
    out = sanitize("<p>a<!-- secret --><!--[if IE]><script>x</script><![endif]-->b</p>")
    assert out == "<p>ab</p>"

"""The digest's look, as data: one set of rules, written two ways.

Mail clients drop or ignore stylesheets, so every element carries its style inline;
served pages get `style-src 'self'` (see serve.py), which blocks inline styles, so the
same rules are also published as `digests/digest.css`. Dark mode and phone widths are
media queries: in mail a `<style>` block (whose `!important` beats the inline styles, in
the clients that read it), on the web the stylesheet. No web fonts, no images.
"""

from __future__ import annotations

from markupsafe import Markup

FONT = '-apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif'

# class -> declarations, for the light scheme at full width.
STYLES: dict[str, str] = {
    "page": f"margin:0;padding:0;background:#eef0ec;color:#1d232b;font:16px/1.55 {FONT};"
    "-webkit-text-size-adjust:100%",
    "outer": "width:100%;background:#eef0ec",
    "gutter": "padding:24px 12px",
    "sheet": "width:100%;max-width:640px;margin:0 auto",
    "masthead": "background:#13263d;color:#f3f6fa;padding:28px 32px 24px;"
    "border-radius:12px 12px 0 0",
    "overline": "margin:0 0 8px;font-size:12px;line-height:1.4;letter-spacing:.08em;"
    "text-transform:uppercase;color:#b8c5d6",
    "overline-link": "color:#b8c5d6;text-decoration:none",
    "title": "margin:0;font-size:28px;line-height:1.2;font-weight:700;color:#f3f6fa",
    "dateline": "margin:8px 0 0;font-size:15px;line-height:1.4;color:#d5deea",
    "toc": "margin:14px 0 0;font-size:13px;line-height:1.6;color:#b8c5d6",
    "toc-link": "color:#f3f6fa;text-decoration:underline",
    "content": "background:#ffffff;padding:8px 32px 28px;border-radius:0 0 12px 12px",
    "group": "margin:26px 0 0;padding:0 0 6px;border-bottom:2px solid #e3e5e8;font-size:12px;"
    "line-height:1.4;letter-spacing:.08em;text-transform:uppercase;color:#5b6572",
    "story": "padding:18px 0 16px;border-bottom:1px solid #e3e5e8",
    "story-last": "padding:18px 0 4px",
    "headline": "margin:0 0 4px;font-size:19px;line-height:1.3;font-weight:700",
    "headline-link": "color:#1d232b;text-decoration:none",
    "meta": "margin:0 0 8px;font-size:13px;line-height:1.45;color:#5b6572",
    "source": "font-weight:600;color:#33404e",
    "summary": "margin:0 0 10px;font-size:15px;line-height:1.6;color:#1d232b",
    "links": "margin:0;font-size:13px;line-height:1.6;color:#5b6572",
    "action": "color:#0b5cad;font-weight:700;text-decoration:none",
    "link": "color:#0b5cad;text-decoration:underline",
    "notice": "margin:18px 0 0;padding:10px 14px;background:#eef4fb;border-radius:8px;"
    "font-size:14px;color:#33404e",
    "empty": "margin:26px 0 4px;font-size:17px;line-height:1.5;color:#1d232b",
    "empty-note": "margin:0;font-size:14px;color:#5b6572",
    "footer": "padding:18px 32px 8px;font-size:12px;line-height:1.6;color:#5b6572;"
    "text-align:center",
    "footer-link": "color:#5b6572;text-decoration:underline",
    "preheader": "display:none;max-height:0;overflow:hidden;font-size:1px;line-height:1px;"
    "color:transparent;opacity:0",
    # the archive page and the story pages, which only the web sees
    "list": "margin:10px 0 0;padding:0;list-style:none",
    "row": "padding:10px 0;border-bottom:1px solid #e3e5e8;font-size:15px",
    "formats": "font-size:13px;color:#5b6572",
    "body": "display:block;margin:20px 0 0;font-size:17px;line-height:1.65;color:#1d232b",
}

DARK: dict[str, str] = {
    "page": "background:#0e1116;color:#e6e9ee",
    "outer": "background:#0e1116",
    "masthead": "background:#0f2036",
    "content": "background:#171c23",
    "group": "border-bottom-color:#2a313b;color:#9aa5b4",
    "story": "border-bottom-color:#2a313b",
    "row": "border-bottom-color:#2a313b",
    "headline-link": "color:#e6e9ee",
    "meta": "color:#9aa5b4",
    "source": "color:#c9d2dd",
    "summary": "color:#e6e9ee",
    "body": "color:#e6e9ee",
    "empty": "color:#e6e9ee",
    "links": "color:#9aa5b4",
    "formats": "color:#9aa5b4",
    "empty-note": "color:#9aa5b4",
    "action": "color:#7fb8ff",
    "link": "color:#7fb8ff",
    "notice": "background:#172332;color:#c9d2dd",
    "footer": "color:#8a95a3",
    "footer-link": "color:#8a95a3",
}

PHONE: dict[str, str] = {
    "gutter": "padding:0",
    "masthead": "padding:22px 18px 20px;border-radius:0",
    "content": "padding:4px 18px 22px;border-radius:0",
    "title": "font-size:24px",
    "headline": "font-size:18px",
    "footer": "padding:16px 18px 24px",
}

# Only on the web: what a pointer can do, and the text of a story page.
WEB_ONLY = """\
.headline-link:hover{color:#0b5cad;text-decoration:underline}
.body a{color:#0b5cad}
.body h2{font-size:22px;line-height:1.3;margin:28px 0 8px}
.body h3{font-size:19px;line-height:1.3;margin:24px 0 8px}
.body figure{margin:20px 0;font-size:14px;color:#5b6572}
.body blockquote{margin:16px 0;padding-left:14px;border-left:3px solid #e3e5e8}
@media (prefers-color-scheme: dark){.body a{color:#7fb8ff}.body figure{color:#9aa5b4}}
"""


def attrs(name: str) -> Markup:
    """`class="name" style="..."` for an element of the digest."""
    return Markup('class="{}" style="{}"').format(name, STYLES[name])


def _rules(styles: dict[str, str], important: bool) -> str:
    suffix = " !important" if important else ""
    lines = []
    for name, declarations in styles.items():
        body = ";".join(f"{part}{suffix}" for part in declarations.split(";") if part)
        lines.append(f".{name}{{{body}}}")
    return "\n".join(lines)


def media_css() -> str:
    """Dark mode and phone widths: the `<style>` block a mail carries."""
    return (
        "@media (prefers-color-scheme: dark){\n"
        + _rules(DARK, important=True)
        + "\n}\n@media (max-width: 620px){\n"
        + _rules(PHONE, important=True)
        + "\n}\n"
    )


def stylesheet() -> bytes:
    """`digests/digest.css`: every rule, for pages served under a strict CSP."""
    css = (
        "/* Digests and story pages: no web fonts, no scripts, light and dark. */\n"
        + _rules(STYLES, important=False)
        + "\n"
        + WEB_ONLY
        + media_css()
    )
    return css.encode("utf-8")

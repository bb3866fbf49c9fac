"""Settle the character encoding of bytes, so mojibake never reaches storage.

Pure; the fetcher uses it for every response and the extractor for pages handed to it
as bytes, so both read a page the same way.

Evidence is weighed in this order, and a declaration is believed only if the body
actually decodes with it:

1. a byte-order mark (it is the bytes themselves talking, so it beats any label, as the
   WHATWG encoding standard and RFC 7303 have it);
2. the `charset` of the Content-Type header;
3. the XML declaration (`<?xml ... encoding="..."?>`);
4. an HTML `<meta charset>` or `<meta http-equiv="Content-Type">` in the first 1024 bytes;
5. detection: valid UTF-8 is UTF-8, otherwise charset-normalizer's best guess.

Servers often label UTF-8 pages as ISO-8859-1; decoding those as Latin-1 is exactly the
mojibake ("Â©") we must not store. Non-ASCII bytes that form valid UTF-8 are almost never
anything else, so a body like that is UTF-8 whatever a non-Unicode label says.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: its BOM starts the same way
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Labels browsers treat as another encoding (WHATWG encoding standard): ISO-8859-1 and
# ASCII pages routinely contain windows-1252 quotes and dashes.
_LABEL_ALIASES = {
    "iso-8859-1": "windows-1252",
    "iso8859-1": "windows-1252",
    "latin1": "windows-1252",
    "latin-1": "windows-1252",
    "l1": "windows-1252",
    "us-ascii": "windows-1252",
    "ascii": "windows-1252",
    "iso-8859-9": "windows-1254",
    "tis-620": "windows-874",
    "gb2312": "gbk",
    "x-sjis": "shift_jis",
}

_XML_DECLARATION = re.compile(rb"""^<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_CONTENT_TYPE_CHARSET = re.compile(r"""charset\s*=\s*["']?([^"';\s]+)""", re.I)
_META_PRESCAN = 1024  # bytes the HTML spec's prescan looks at
_DETECT_SAMPLE = 64 * 1024  # detection on a long page is slow and gains nothing past this


def codec_name(label: str | bytes | None) -> str | None:
    """A label as a canonical encoding name Python and libxml2 both know, or None."""
    if label is None:
        return None
    text = (label.decode("ascii", "ignore") if isinstance(label, bytes) else label).strip()
    text = _LABEL_ALIASES.get(text.lower(), text)
    try:
        name = codecs.lookup(text).name
    except LookupError:
        return None
    # Python's names for these differ from the IANA names parsers expect.
    name = re.sub(r"^cp(125\d|874)$", r"windows-\1", name)
    return re.sub(r"^iso8859-(\d+)$", r"iso-8859-\1", name)


def charset_of(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header value."""
    match = _CONTENT_TYPE_CHARSET.search(content_type or "")
    return match.group(1) if match else None


def _decodes(body: bytes, name: str) -> bool:
    try:
        codecs.decode(body, name)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _is_utf8_beyond_ascii(body: bytes) -> bool:
    return not body.isascii() and _decodes(body, "utf-8")


def _declared(body: bytes, content_type: str | None) -> list[str | None]:
    """Declared encodings, strongest first."""
    declarations: list[str | None] = [codec_name(charset_of(content_type))]
    head = body.lstrip()[:_META_PRESCAN]
    xml = _XML_DECLARATION.match(head)
    declarations.append(codec_name(xml.group(1)) if xml else None)
    meta = _META_CHARSET.search(head)
    if meta:
        name = codec_name(meta.group(1))
        # A <meta> that we could read is ASCII-compatible, whatever it claims (WHATWG).
        declarations.append("utf-8" if name and name.startswith("utf-16") else name)
    return declarations


def _detect(sample: bytes) -> str | None:
    """charset-normalizer's best guess; among equally good guesses, windows-1252.

    Western text often reads the same in windows-1250, -1252 and -1257, and the detector
    then picks one at random-looking; -1252 is what the web means when it says nothing.
    """
    results = list(from_bytes(sample))
    if not results:
        return None
    best = results[0]
    tied = [r.encoding for r in results if (r.chaos, r.coherence) == (best.chaos, best.coherence)]
    return codec_name("cp1252" if "cp1252" in tied else best.encoding)


def detect_encoding(body: bytes, content_type: str | None = None) -> str:
    """The encoding to decode `body` with, by the order in the module docstring."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    utf8 = _is_utf8_beyond_ascii(body)
    for declared in _declared(body, content_type):
        if declared is None:
            continue
        if utf8 and not declared.startswith("utf-"):
            return "utf-8"  # valid UTF-8 under a legacy label is mislabelled UTF-8
        if _decodes(body, declared):
            return declared
    if body.isascii() or utf8:
        return "utf-8"
    detected = _detect(body[:_DETECT_SAMPLE])
    if detected and _decodes(body, detected):
        return detected
    # Nothing fits every byte: windows-1252 maps almost all of them to what was meant.
    return "windows-1252"

"""One story, one item: decide when two articles are copies of one story.

Pure. `signature` reduces an article to a small `StorySignature` the store keeps as TEXT;
`lookup_keys` gives the keys the store indexes (two articles sharing any key are
candidates); `match` says why two candidates are one story, or None; `representative`
picks the copy to publish.

Evidence, strongest first:
1. URLs: one page (own URL or same-site canonical); one copy credits the other as its
   original; both credit the same original story. Links to a publisher's home page or
   a section never count (`urls.looks_like_article`).
2. Text: near-identical word shingles, compared by MinHash and found by banded keys;
   rewrites and trimmed copies by shingles and content words together; excerpts (a
   feed summary, a partial copy) by their opening and their words.
Two rules say "never": two different story pages of one site are two stories however
alike their text (the weekly templated release), and copies whose numbers disagree
(dates, ages, amounts, unit numbers) are different stories of one template.

The MinHash is written here rather than taken from datasketch: that library needs
numpy and scipy, and a k-function MinHash in pure Python costs k hashes per shingle.
One-permutation hashing with optimal densification (Li et al. 2012; Shrivastava 2017)
hashes each shingle once with xxhash and still gives bins that estimate Jaccard
similarity and band into lookup keys.
"""

from __future__ import annotations

import base64
import json
import re
import struct
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import xxhash

from .models import Article
from .urls import identity_key, looks_like_article, same_site

SIGNATURE_VERSION = 2  # 2: 30-bit shingle hashes, numbers read from words
SHINGLE_WORDS = 3
BINS = 128  # sketch bins; the top 7 bits of a hash pick its bin
BAND_ROWS = 3  # bins per lookup band: 42 bands find pairs with shingle Jaccard above ~0.3
MAX_WORDS = 3000  # longer texts are compared on their first MAX_WORDS words
MIN_SHINGLES = 30  # fewer shingles than this: too short for a sketch, exact text only
MIN_EXACT_WORDS = 25  # identical texts shorter than this prove nothing ("Subscribe ...")
SHORT_TEXT_SHINGLES = 80  # below this, a text match also needs the titles to agree
MAX_NUMBERS = 64  # more distinct numbers than this (a contracts list): numbers not kept
WORD_SKETCH = 128  # content words kept: the smallest hashes (a bottom-k sketch)
LEAD_SHINGLES = 40  # the opening shingles kept in order, to recognise an excerpt
EXCERPT_LEAD = 24  # an excerpt's opening shingles looked for in the other's opening


@dataclass(frozen=True, slots=True)
class Thresholds:
    """When two texts are one story. Defaults chosen with `python bench/stories.py`."""

    # Shingle Jaccard at which texts are copies whatever else differs.
    near_identical: float = 0.8
    # A rewrite or a trimmed copy keeps the story's words but not its exact phrasing:
    # this much shingle Jaccard, and this share of the shorter text's content words in
    # the longer text. A templated release keeps phrasing but changes names and facts.
    rewrite_shingles: float = 0.3
    rewrite_words: float = 0.85
    # The numbers rule applies when both texts carry this many distinct numbers; the
    # smaller set must then be this much contained in the larger.
    numbers_min: int = 3
    numbers_agree: float = 0.8
    # Short texts also need this share of the shorter title's words in the other title.
    titles_agree: float = 0.5
    # An excerpt (a feed summary, a partial copy) opens as the other text does and keeps
    # its words: this share of its opening shingles, and of its content words.
    excerpt_lead: float = 0.75
    excerpt_words: float = 0.9


DEFAULT_THRESHOLDS = Thresholds()

# English function words, left out of the content-word sketch (data, not code).
_STOPWORD_TEXT = """a about above after again against all also am an and any are as at be because
been before being below between both but by can could did do does doing down during
each even few for from further had has have having he her here hers him his how i if
in into is it its itself just may me might more most must my no nor not now of off
on once only or other our ours out over own said same says say she should so some
such than that the their theirs them then there these they this those through to too
under until up us very was we were what when where which while who whom whose why
will with would you your"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

# Shingle hashes are cut to 30 bits: CPython sorts such small ints about half again as
# fast as 64-bit ones, and a chance collision of two minima (23 bits below the bin
# bits) shifts a Jaccard estimate by about one bin in 60,000 comparisons.
_HASH_MASK = (1 << 30) - 1
_BIN_SHIFT = 30 - (BINS.bit_length() - 1)
_WORD = re.compile(r"\w+")


def _probe_order(bin_index: int) -> tuple[int, ...]:
    """Where an empty bin borrows from: a fixed pseudo-random order of the other bins."""
    others = (j for j in range(BINS) if j != bin_index)
    return tuple(sorted(others, key=lambda j: xxhash.xxh64_intdigest(f"{bin_index}/{j}".encode())))


_PROBES = tuple(_probe_order(i) for i in range(BINS))


@dataclass(frozen=True, slots=True)
class StorySignature:
    """What the matcher needs of one article; `to_text`/`from_text` round-trip it."""

    pages: tuple[str, ...] = ()  # identity keys of the article's own story URLs
    original: str | None = None  # identity key of the original story it credits
    shingles: int = 0  # distinct word shingles in the text
    text_hash: str = ""  # hash of the normalised text ("" when shorter than MIN_EXACT_WORDS)
    shingle_sketch: tuple[int, ...] = ()  # BINS values, () when the text is too short
    word_sketch: tuple[int, ...] = ()  # smallest WORD_SKETCH content-word hashes, sorted
    numbers: tuple[str, ...] = ()  # distinct numbers in the text, sorted
    title_words: tuple[str, ...] = ()  # distinct title words, sorted
    lead: tuple[int, ...] = ()  # the first LEAD_SHINGLES shingle hashes, in text order

    def to_text(self) -> str:
        return json.dumps(
            {
                "v": SIGNATURE_VERSION,
                "pages": list(self.pages),
                "original": self.original,
                "shingles": self.shingles,
                "text": self.text_hash,
                "shingle_sketch": _pack(self.shingle_sketch),
                "word_sketch": _pack(self.word_sketch),
                "numbers": list(self.numbers),
                "title": list(self.title_words),
                "lead": _pack(self.lead),
            },
            separators=(",", ":"),
            ensure_ascii=False,
        )

    @classmethod
    def from_text(cls, text: str) -> StorySignature:
        """Read `to_text` output; ValueError for anything else, including other versions
        (the caller then recomputes the signature from the stored article)."""
        try:
            data = json.loads(text)
            if not isinstance(data, dict) or data.get("v") != SIGNATURE_VERSION:
                raise ValueError(f"version {data.get('v') if isinstance(data, dict) else '?'}")
            return cls(
                pages=_strings(data["pages"]),
                original=_optional_string(data["original"]),
                shingles=_count(data["shingles"]),
                text_hash=_string(data["text"]),
                shingle_sketch=_unpack(data["shingle_sketch"], sizes=(0, BINS)),
                word_sketch=_unpack(data["word_sketch"], sizes=range(WORD_SKETCH + 1)),
                numbers=_strings(data["numbers"]),
                title_words=_strings(data["title"]),
                lead=_unpack(data["lead"], sizes=range(LEAD_SHINGLES + 1)),
            )
        except (ValueError, KeyError, TypeError, struct.error) as error:
            problem = f"not a version {SIGNATURE_VERSION} story signature: {error}"
            raise ValueError(problem) from None


@dataclass(frozen=True, slots=True)
class TextSimilarity:
    """How alike two texts are, estimated from their sketches."""

    shingles: float  # Jaccard similarity of the word-shingle sets
    words: float  # share of the smaller content-word set found in the other


def signature(article: Article) -> StorySignature:
    """The article's story signature: URL identities and sketches of its text."""
    url, canonical = article.url, article.canonical_url
    pages = [url] if looks_like_article(url, known_page=True) else []
    original = article.original_url
    if canonical and (not url or same_site(canonical, url)):
        if looks_like_article(canonical, known_page=True):
            pages.append(canonical)
    elif canonical and not original:
        original = canonical  # a canonical on another site names the original
    words = _words(article.content_text, limit=MAX_WORDS)
    grams = zip(*(words[i:] for i in range(SHINGLE_WORDS)), strict=False)
    ordered = [xxhash.xxh3_64_intdigest(" ".join(gram).encode()) & _HASH_MASK for gram in grams]
    shingles = set(ordered)
    distinct = set(words)
    content = {xxhash.xxh32_intdigest(w.encode()) for w in distinct - STOPWORDS}
    numbers = sorted(w for w in distinct if w[0].isdigit())  # "1,200" counts as 1 and 200
    long_enough = len(shingles) >= MIN_SHINGLES
    return StorySignature(
        pages=tuple(sorted({identity_key(u) for u in pages})),
        original=identity_key(original) if original and looks_like_article(original) else None,
        shingles=len(shingles),
        text_hash=_text_hash(words) if len(words) >= MIN_EXACT_WORDS else "",
        shingle_sketch=_one_permutation_minhash(shingles) if long_enough else (),
        word_sketch=tuple(sorted(content)[:WORD_SKETCH]) if long_enough else (),
        numbers=tuple(numbers) if len(numbers) <= MAX_NUMBERS else (),
        title_words=tuple(sorted(set(_words(article.title, limit=64)))),
        lead=tuple(ordered[:LEAD_SHINGLES]) if long_enough else (),
    )


def _words(text: str, *, limit: int) -> list[str]:
    """Lower-case words of NFKC-normalised text ("Korea’s" and "Korea's" both: korea, s)."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return _WORD.findall(text.lower())[:limit]


def _text_hash(words: list[str]) -> str:
    return xxhash.xxh3_128_hexdigest(" ".join(words).encode())


def _one_permutation_minhash(hashes: Iterable[int]) -> tuple[int, ...]:
    # Descending order, last write wins: each bin keeps its smallest hash (C-speed loop).
    minima = {h >> _BIN_SHIFT: h for h in sorted(hashes, reverse=True)}
    return tuple(
        minima[i] if i in minima else next(minima[j] for j in _PROBES[i] if j in minima)
        for i in range(BINS)
    )


def lookup_keys(sig: StorySignature) -> tuple[str, ...]:
    """Keys to index: two articles that share any key are candidates for `match`."""
    keys = [f"url:{page}" for page in sig.pages]
    if sig.original and sig.original not in sig.pages:
        keys.append(f"url:{sig.original}")
    if sig.text_hash:
        keys.append(f"text:{sig.text_hash}")
    if sig.lead:
        # Two overlapping windows past the first few words, which are the most often
        # shared boilerplate ("The secretary of defense announced today ...") or residue.
        keys += [f"lead{i}:{min(sig.lead[start : start + 16]):x}" for i, start in ((0, 8), (1, 16))]
    sketch = sig.shingle_sketch
    for band, start in enumerate(range(0, len(sketch) - BAND_ROWS + 1, BAND_ROWS)):
        rows = struct.pack(f"<{BAND_ROWS}I", *sketch[start : start + BAND_ROWS])
        keys.append(f"band{band}:{xxhash.xxh64_hexdigest(rows)}")
    return tuple(keys)


def match(
    a: StorySignature, b: StorySignature, *, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> str | None:
    """Why `a` and `b` are one story, or None when they are not (or we cannot tell)."""
    similar = similarity(a, b)
    same_page = set(a.pages) & set(b.pages)
    # A shared canonical with wholly different text is a site's canonical bug, not a page.
    if same_page and not (similar is not None and similar.shingles < 0.05):
        return f"same page {min(same_page)}"
    if a.original and a.original in b.pages:
        return f"credits the other as its original {a.original}"
    if b.original and b.original in a.pages:
        return f"credits the other as its original {b.original}"
    if a.original and a.original == b.original:
        return f"both credit the original {a.original}"
    if _different_pages_of_one_site(a, b) or not _numbers_agree(a, b, thresholds):
        return None
    short = min(a.shingles, b.shingles) < SHORT_TEXT_SHINGLES
    if short and not _titles_agree(a, b, thresholds):
        return None
    if a.text_hash and a.text_hash == b.text_hash:
        return "identical text"
    if similar is None:
        return None
    if similar.shingles >= thresholds.near_identical:
        return f"near-identical text (shingles {similar.shingles:.2f})"
    reworded = similar.words >= thresholds.rewrite_words
    if reworded and similar.shingles >= thresholds.rewrite_shingles:
        return f"same story, edited (shingles {similar.shingles:.2f}, words {similar.words:.2f})"
    if _is_excerpt(a, b, similar, thresholds):
        return f"opens as the other and keeps its words ({similar.words:.2f})"
    return None


def _is_excerpt(
    a: StorySignature, b: StorySignature, similar: TextSimilarity, thresholds: Thresholds
) -> bool:
    shorter, longer = sorted((a, b), key=lambda sig: sig.shingles)
    opening = set(shorter.lead[:EXCERPT_LEAD])
    return (
        bool(opening)
        and len(opening & set(longer.lead)) >= thresholds.excerpt_lead * len(opening)
        and similar.words >= thresholds.excerpt_words
        and _titles_agree(a, b, thresholds)
    )


def similarity(a: StorySignature, b: StorySignature) -> TextSimilarity | None:
    """How alike the two texts are; None when either is too short to sketch."""
    if not a.shingle_sketch or not b.shingle_sketch:
        return None
    shingles = sum(x == y for x, y in zip(a.shingle_sketch, b.shingle_sketch, strict=True))
    return TextSimilarity(shingles / BINS, _containment(a.word_sketch, b.word_sketch))


def _containment(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """Share of the smaller word set found in the other, from two bottom-k sketches.

    Below the smaller of the two sketches' largest kept hashes, both sketches hold every
    word of their text, so the comparison there is exact for a random sample of words.
    """
    full = [sketch[-1] for sketch in (a, b) if len(sketch) == WORD_SKETCH]
    limit = min(full) if full else 1 << 32
    sample_a = {h for h in a if h <= limit}
    sample_b = {h for h in b if h <= limit}
    smaller = min(len(sample_a), len(sample_b))
    return len(sample_a & sample_b) / smaller if smaller else 0.0


def _different_pages_of_one_site(a: StorySignature, b: StorySignature) -> bool:
    claims_a = (*a.pages, *((a.original,) if a.original else ()))
    claims_b = (*b.pages, *((b.original,) if b.original else ()))
    for key_a in claims_a:
        on_site = [key_b for key_b in claims_b if same_site("//" + key_a, "//" + key_b)]
        if on_site and key_a not in on_site:
            return True
    return False


def _numbers_agree(a: StorySignature, b: StorySignature, thresholds: Thresholds) -> bool:
    fewer, more = sorted((set(a.numbers), set(b.numbers)), key=len)
    if len(fewer) < thresholds.numbers_min:
        return True
    return len(fewer & more) >= thresholds.numbers_agree * len(fewer)


def _titles_agree(a: StorySignature, b: StorySignature, thresholds: Thresholds) -> bool:
    fewer, more = sorted((set(a.title_words), set(b.title_words)), key=len)
    return bool(fewer) and len(fewer & more) >= thresholds.titles_agree * len(fewer)


def representative(articles: Sequence[Article]) -> int:
    """Index of the copy to publish: the original when we have it, else the best copy.

    The best copy is complete (not partial, and within a tenth of the longest text),
    then the earliest published; ties go to the smallest id, so the choice does not
    depend on the order of `articles`.
    """
    if not articles:
        raise ValueError("representative() needs at least one article")
    credited = {
        identity_key(a.original_url)
        for a in articles
        if a.original_url and looks_like_article(a.original_url)
    }
    longest = max(len(a.content_text.split()) for a in articles)

    def rank(index: int) -> tuple[Any, ...]:
        article = articles[index]
        own = {identity_key(u) for u in (article.url, article.canonical_url) if u}
        when = article.published.timestamp() if article.published else float("inf")
        return (
            not (own & credited),
            article.is_partial,
            len(article.content_text.split()) < 0.9 * longest,
            when,
            article.id,
        )

    return min(range(len(articles)), key=rank)


def _pack(sketch: tuple[int, ...]) -> str:
    return base64.b64encode(struct.pack(f"<{len(sketch)}I", *sketch)).decode("ascii")


def _unpack(text: Any, *, sizes: Iterable[int]) -> tuple[int, ...]:
    packed = base64.b64decode(_string(text), validate=True)
    if len(packed) % 4 or len(packed) // 4 not in sizes:
        raise ValueError(f"a sketch of {len(packed)} bytes")
    return struct.unpack(f"<{len(packed) // 4}I", packed)


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


def _optional_string(value: Any) -> str | None:
    return None if value is None else _string(value)


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise TypeError(f"expected a list, got {type(value).__name__}")
    return tuple(_string(item) for item in value)


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise TypeError(f"expected a count, got {value!r}")
    return value

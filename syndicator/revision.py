"""How a new version of a stored article is taken: it may improve it, never degrade it.

Pure. A later pass can bring less than an earlier one: the page failed and only the
feed's text is at hand, a site redesign makes the extractor find a fragment, a field
the page used to give is gone. Stored data only gets better: a worse version is not
taken (with a reason for the report), and fields the new version lacks keep their
stored values.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .models import Article

# A body that shrinks below this share of the stored one, from at least this many
# words, is taken for an extraction gone wrong rather than an editor's cut.
SHRINK_RATIO = 0.3
SHRINK_FROM_WORDS = 150

# Fields a new version may lack while the stored one has them: kept from the store.
_KEPT_FIELDS = ("author", "published", "updated", "image", "canonical_url", "language")


@dataclass(frozen=True, slots=True)
class Revision:
    """What to store; `article` None keeps the stored version, and `reason` says why."""

    article: Article | None
    reason: str = ""


def revise(stored: Article, new: Article) -> Revision:
    """The version to store when `new` arrives for an article we already have."""
    if new.is_partial and not stored.is_partial:
        return Revision(None, "a partial text never replaces a full one")
    if new.is_partial and _from_feed(new) and not _from_feed(stored):
        return Revision(None, "the feed's text never replaces text taken from the page")
    old_words, new_words = _words(stored), _words(new)
    if (
        not new.is_partial
        and old_words >= SHRINK_FROM_WORDS
        and new_words < old_words * SHRINK_RATIO
    ):
        return Revision(
            None, f"the page now gives {new_words} of {old_words} words; kept the stored text"
        )
    filled = {name: getattr(stored, name) for name in _KEPT_FIELDS if not getattr(new, name)}
    if stored.original_url and not new.original_url:
        filled.update(
            original_url=stored.original_url, original_publisher=stored.original_publisher
        )
    return Revision(replace(new, **filled) if filled else new)


def _from_feed(article: Article) -> bool:
    return article.extracted_by == "feed"


def _words(article: Article) -> int:
    return len(article.content_text.split())

"""Programmatic copies of an article, the way republishers change them.

Each function takes the original text and a seeded `random.Random` and returns the
copy's text, so every benchmark run builds the same pairs:

- `copy`: the text with ad and boilerplate residue between paragraphs;
- `trimmed`: paragraphs dropped (up to about a third) plus residue;
- `rewrite`: a light rewording: synonyms and reporting verbs swapped, British spelling,
  numbers written as digits, a few sentences dropped, residue added;
- `excerpt`: the opening paragraphs and a "read more" line (measured, hard by design).
"""

from __future__ import annotations

import random
import re

RESIDUE = (
    "Advertisement",
    "- Advertisement -",
    "Share this article",
    "Subscribe to our newsletter for the latest news and analysis.",
    "Trending Now",
    "Follow us on Facebook, Twitter and LinkedIn for more updates.",
    "Click here to sign up for breaking news alerts.",
    "Also read: Ten things you missed this week",
    "Sponsored content",
    "Comments are closed.",
)

# Word-for-word swaps a rewording republisher makes; applied to whole words only.
SYNONYMS = {
    "said": "stated",
    "says": "notes",
    "also": "additionally",
    "but": "however",
    "big": "large",
    "help": "assist",
    "use": "utilize",
    "used": "utilized",
    "show": "demonstrate",
    "shows": "demonstrates",
    "about": "around",
    "start": "begin",
    "started": "began",
    "buy": "purchase",
    "need": "require",
    "needs": "requires",
    "get": "obtain",
    "many": "numerous",
    "new": "fresh",
    "important": "crucial",
    "before": "prior to",
    "after": "following",
    "because": "since",
    "plan": "intend",
    "told": "informed",
    "week": "week's time",
    "people": "individuals",
    "make": "create",
    "made": "created",
    "very": "highly",
    "however": "but",
    "while": "whereas",
    "quickly": "rapidly",
    "enough": "sufficient",
}
BRITISH = (
    ("defense", "defence"),
    ("center", "centre"),
    ("organization", "organisation"),
    ("program", "programme"),
    ("color", "colour"),
    ("realize", "realise"),
    ("recognize", "recognise"),
)
NUMBER_WORDS = {"two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "ten": "10"}
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"])")


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n") if p.strip()]


def _with_residue(parts: list[str], rng: random.Random, count: int) -> str:
    parts = list(parts)
    for _ in range(count):
        parts.insert(rng.randint(1, max(1, len(parts))), rng.choice(RESIDUE))
    return "\n\n".join(parts)


def copy(text: str, rng: random.Random) -> str:
    return _with_residue(paragraphs(text), rng, rng.randint(2, 4))


def trimmed(text: str, rng: random.Random) -> str:
    parts = paragraphs(text)
    drop = min(len(parts) - 1, max(1, round(len(parts) * rng.uniform(0.1, 0.33))))
    if drop > 0 and rng.random() < 0.6:
        parts = parts[: len(parts) - drop]  # the tail is what republishers cut most
    elif drop > 0:
        start = rng.randint(1, max(1, len(parts) - drop))
        parts = parts[:start] + parts[start + drop :]
    return _with_residue(parts, rng, rng.randint(1, 3))


def rewrite(text: str, rng: random.Random) -> str:
    out = []
    for paragraph in paragraphs(text):
        sentences = [s for s in _SENTENCE.split(paragraph) if s]
        kept = [s for s in sentences if len(sentences) == 1 or rng.random() > 0.1]
        out.append(" ".join(_reword(sentence, rng) for sentence in kept))
    return _with_residue(out, rng, rng.randint(1, 3))


def _reword(sentence: str, rng: random.Random) -> str:
    if rng.random() < 0.5:
        return sentence  # about half the sentences are left exactly as they were

    def swap(match: re.Match[str]) -> str:
        word = match.group(0)
        lowered = word.lower()
        replacement = SYNONYMS.get(lowered) or NUMBER_WORDS.get(lowered)
        if replacement is None or rng.random() > 0.7:
            return word
        return replacement.capitalize() if word[0].isupper() else replacement

    sentence = re.sub(r"\b[A-Za-z]+\b", swap, sentence)
    for american, british in BRITISH:
        sentence = sentence.replace(american, british)
    return sentence


def excerpt(text: str, rng: random.Random) -> str:
    parts = paragraphs(text)
    taken: list[str] = []
    while parts and (len(taken) < 2 or sum(len(p.split()) for p in taken) < 60):
        taken.append(parts.pop(0))
    return "\n\n".join([*taken, rng.choice(("Read more", "Continue reading on the source site"))])


VARIANTS = {"copy": copy, "trimmed": trimmed, "rewrite": rewrite, "excerpt": excerpt}

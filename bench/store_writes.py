"""What the store's write path costs per article, with and without migration m007.

m007 adds the curation triggers (re-applied tag edits, hidden copies of hidden stories,
decisions restored after a re-insert) and narrows the full-text index's update trigger
to the indexed columns. This saves N distinct articles three ways, as passes do: new,
seen again unchanged (only `last_seen` moves), and changed upstream; first with m007's
triggers swapped for the ones before it, then as shipped. Interleaved, `--rounds` times.

    python bench/store_writes.py --articles 1000 --rounds 3
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from syndicator.models import Article, Prepared
from syndicator.store import Store

T0 = datetime(2026, 3, 1, tzinfo=UTC)
# The full-text update trigger sqlite-utils created before m007 (any column re-indexes).
BEFORE_M007 = """create trigger articles_au after update on articles begin
  insert into articles_fts (articles_fts, rowid, title, content_text)
  values ('delete', old.rowid, old.title, old.content_text);
  insert into articles_fts (rowid, title, content_text)
  values (new.rowid, new.title, new.content_text);
end"""
M007_TRIGGERS = (
    "articles_keep_tag_edits",
    "articles_keep_curation",
    "articles_hide_copies_of_hidden_stories",
    "articles_au",
)


def articles(count: int) -> list[Article]:
    rng = random.Random(7)
    vocabulary = [f"w{k}" for k in range(20_000)]
    made = []
    for i in range(count):
        text = " ".join(rng.choice(vocabulary) for _ in range(400))
        made.append(
            Article(
                id=f"a{i}",
                url=f"https://news.example/{i}",
                title=f"Story {i} {text[:40]}",
                content_html=f"<p>{text}</p>",
                content_text=text,
                content_hash=f"h{i}",
                entry_id=f"e{i}",
                tags=("dod",),
                published=T0,
            )
        )
    return made


def timed(store: Store, batch: list[Article], at: datetime) -> float:
    started = time.perf_counter()
    with store.grouped():
        for article in batch:
            store.save_article("dod", Prepared(article), at)
    return time.perf_counter() - started


def one_round(batch: list[Article], *, before_m007: bool) -> tuple[float, float, float]:
    with tempfile.TemporaryDirectory() as folder, Store.open(Path(folder) / "b.db") as store:
        if before_m007:
            for name in M007_TRIGGERS:
                store.db.execute(f"drop trigger {name}")
            store.db.execute(BEFORE_M007)
        new = timed(store, batch, T0)
        unchanged = timed(store, batch, T0 + timedelta(hours=1))
        edited = [
            replace(a, content_hash="x" + a.id, content_text=a.content_text + " more")
            for a in batch
        ]
        changed = timed(store, edited, T0 + timedelta(hours=2))
    return new, unchanged, changed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    batch = articles(options.articles)
    print(f"{options.articles} articles; ms per article: new / unchanged / changed")
    for _ in range(options.rounds):
        for before in (True, False):
            figures = one_round(batch, before_m007=before)
            shown = " / ".join(f"{1000 * f / options.articles:.2f}" for f in figures)
            print(f"  {'before m007' if before else 'with m007  '}  {shown}")


if __name__ == "__main__":
    main()

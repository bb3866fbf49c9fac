"""SQLite FTS5 queries: the columns they search, and a check by SQLite's own parser.

Topic feeds and `articles search` take FTS5 syntax (`"South Korea" OR Pyongyang`,
`title:frigate`, `drone*`). Only SQLite parses it faithfully, so a query is checked
against an empty in-memory table with the columns and tokenizer of the real index.
No file and no network are touched: that is why this pure module may use sqlite3.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing

# The columns of the store's full-text index (`articles_fts`), in index order.
COLUMNS = ("title", "content_text")
TOKENIZER = "porter"


def query_problem(query: str) -> str | None:
    """None when SQLite's FTS5 accepts `query`, else SQLite's own message."""
    if not query.strip():
        return "an empty query matches nothing"
    with closing(sqlite3.connect(":memory:")) as db:
        db.execute(
            f"create virtual table probe using fts5({', '.join(COLUMNS)}, tokenize='{TOKENIZER}')"
        )
        try:
            db.execute("select rowid from probe where probe match ?", [query]).fetchall()
        except sqlite3.Error as exc:
            return str(exc)
    return None

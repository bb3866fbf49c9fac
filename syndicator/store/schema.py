"""The database schema, as migrations in code (applied in order, each exactly once).

Add a new function at the end to change the schema; never edit one that has shipped.
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

MIGRATIONS = Migrations("syndicator")


@MIGRATIONS()
def m001_initial(db: Database) -> None:
    db.table("sources").create(
        {"id": str, "name": str, "url": str, "homepage": str, "synced_at": str}, pk="id"
    )
    db.table("articles").create(
        {
            "id": str,
            "source_id": str,  # the source that first brought the article
            "url": str,
            "canonical_url": str,
            "original_url": str,
            "original_publisher": str,
            "title": str,
            "author": str,
            "published": str,
            "updated": str,
            "date": str,  # published, else first_seen: what readers sort by
            "content_html": str,
            "content_text": str,
            "summary": str,
            "image": str,
            "images": str,
            "tags": str,
            "language": str,
            "content_hash": str,
            "extracted_by": str,
            "is_partial": int,
            "partial_reason": str,
            "first_seen": str,
            "changed_at": str,
            "last_seen": str,
            "story_id": str,
            "signature": str,
            "hidden": int,
        },
        pk="id",
        not_null={"url", "title", "first_seen", "changed_at", "date", "story_id"},
        defaults={"is_partial": 0, "hidden": 0},
    )
    db.table("articles").create_index(["story_id"])
    db.table("articles").create_index(["date"])
    db.table("articles").create_index(["source_id", "date"])
    db.table("entries").create(
        {
            "source_id": str,
            "entry_id": str,
            "article_id": str,
            "url": str,
            "first_seen": str,
            "last_seen": str,
            "retry": int,
        },
        pk=("source_id", "entry_id"),
        defaults={"retry": 0},
    )
    db.table("entries").create_index(["article_id"])
    db.table("story_keys").create({"key": str, "article_id": str}, pk=("key", "article_id"))
    db.table("story_keys").create_index(["article_id"])
    db.table("stories").create(
        {"id": str, "representative_id": str, "date": str, "changed_at": str}, pk="id"
    )
    db.table("stories").create_index(["date"])
    db.table("http_cache").create(
        {"url": str, "etag": str, "last_modified": str, "updated_at": str}, pk="url"
    )
    db.table("robots").create(
        {"origin": str, "body": str, "fetched_at": str, "etag": str, "last_modified": str},
        pk="origin",
    )
    db.table("host_blocks").create({"host": str, "until": str}, pk="host")
    db.table("source_state").create(
        {
            "source_id": str,
            "last_checked": str,
            "last_success": str,
            "next_check": str,
            "failures": int,
            "last_error_kind": str,
            "last_error": str,
        },
        pk="source_id",
    )
    db.table("fetch_log").create(
        {
            "id": int,
            "at": str,
            "source_id": str,
            "url": str,
            "stage": str,
            "outcome": str,
            "status": int,
            "bytes": int,
            "elapsed_ms": int,
            "message": str,
        },
        pk="id",
    )
    db.table("fetch_log").create_index(["source_id", "at"])
    db.table("runs").create(
        {"id": int, "started": str, "finished": str, "new": int, "failed": int, "report": str},
        pk="id",
    )
    db.table("articles").enable_fts(
        ["title", "content_text"], create_triggers=True, tokenize="porter"
    )


@MIGRATIONS()
def m002_entry_fingerprint(db: Database) -> None:
    """Remember what the source said about each entry, to notice edited entries."""
    db.table("entries").add_column("fingerprint", str)


@MIGRATIONS()
def m003_meta(db: Database) -> None:
    """Small facts about the database as a whole (e.g. what was last published)."""
    db.table("meta").create({"key": str, "value": str}, pk="key")
    db.execute("insert into meta (key, value) values ('content_version', '0')")


@MIGRATIONS()
def m004_story_signatures(db: Database) -> None:
    """Story signatures in a narrow table of their own: matching reads many of them, and
    reading one from `articles` meant stepping over the article's text to reach it."""
    db.table("story_signatures").create(
        {"article_id": str, "story_id": str, "first_seen": str, "signature": str},
        pk="article_id",
    )
    db.execute(
        "insert into story_signatures (article_id, story_id, first_seen, signature) "
        "select id, story_id, first_seen, signature from articles"
    )
    db.execute("update articles set signature = null")


@MIGRATIONS()
def m008_digests(db: Database) -> None:
    """The digest archive (one row per digest and period), its mail deliveries and the
    story pages it links: a digest is issued once, listed in the archive and feed, and
    mailed once per recipient."""
    db.table("digest_issues").create(
        {
            "digest_id": str,
            "first_day": str,  # the period's first local day, YYYY-MM-DD
            "kind": str,  # daily | weekly
            "title": str,
            "stories": int,
            "start": str,
            "end": str,
            "feed_html": str,
            "content_hash": str,
            "built_at": str,
            "changed_at": str,
            "dispatched_at": str,  # null until issued on schedule (or sent by hand)
        },
        pk=("digest_id", "first_day"),
    )
    db.table("digest_deliveries").create(
        {
            "digest_id": str,
            "first_day": str,
            "recipient": str,
            "status": str,  # pending | sending | sent | failed
            "attempts": int,
            "planned_at": str,
            "last_attempt": str,
            "last_error": str,
            "sent_at": str,
        },
        pk=("digest_id", "first_day", "recipient"),
        defaults={"attempts": 0},
    )
    db.table("digest_deliveries").create_index(["status", "planned_at"])
    # Our copies of stories (articles/<story id>.html) that digests link to: kept in step
    # with the story (an edit, a new copy elsewhere, a hide) when publishing runs.
    db.table("story_pages").create(
        {"story_id": str, "written_at": str, "withdrawn": int},
        pk="story_id",
        defaults={"withdrawn": 0},
    )

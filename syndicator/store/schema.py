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
def m005_entry_attempts(db: Database) -> None:
    """Count failed fetches of an entry's page, so a page that is gone is retried only so
    often (and a successful fetch starts the count again)."""
    db.table("entries").add_column("attempts", int, not_null_default=0)


@MIGRATIONS()
def m006_operations(db: Database) -> None:
    """Leases (one process works on a source at a time), tombstones of pruned entries
    (a feed that still lists one never brings it back as new), and which command made a
    run report and whether it completed."""
    db.table("leases").create(
        {"name": str, "owner": str, "acquired_at": str, "expires_at": str}, pk="name"
    )
    db.table("pruned_entries").create(
        {"source_id": str, "entry_id": str, "article_id": str, "url": str, "pruned_at": str},
        pk=("source_id", "entry_id"),
    )
    db.table("runs").add_column("command", str)
    db.table("runs").add_column("status", str)
    db.table("runs").create_index(["started"])


@MIGRATIONS()
def m007_curation(db: Database) -> None:
    """Editors' decisions: each one logged with its time and reason; pins; tag edits.

    An editor's decision must outlive the next fetch of the article, whatever path
    writes it, so triggers re-apply it: tag edits after any write of `tags` (a re-fetch
    writes the source's tags again), and after an insert (an article pruned and found
    again) the latest hide and pin of the log. A copy that joins a story whose every
    copy is hidden is hidden too, and the log says so, unless an editor already decided
    about that copy: the editor's decision wins.
    """
    db.table("articles").add_column("pinned_at", str)
    db.execute("create index articles_pinned on articles (pinned_at) where pinned_at is not null")
    db.table("curation_log").create(
        {
            "id": int,
            "at": str,
            "article_id": str,
            "action": str,  # hide unhide pin unpin tag
            "detail": str,
            "reason": str,
        },
        pk="id",
    )
    db.table("curation_log").create_index(["article_id", "id"])
    # The full-text index needs rewriting only when its columns change. sqlite-utils'
    # trigger re-indexed the text on every update of any column (a hide, a pin, a
    # `last_seen`), and an update made by an insert trigger below, which may run before
    # the index's insert trigger, would have deleted index entries not yet written.
    db.execute("drop trigger articles_au")
    db.execute(
        """
        create trigger articles_au after update of title, content_text on articles begin
          insert into articles_fts (articles_fts, rowid, title, content_text)
          values ('delete', old.rowid, old.title, old.content_text);
          insert into articles_fts (rowid, title, content_text)
          values (new.rowid, new.title, new.content_text);
        end
        """
    )
    db.table("tag_edits").create(
        {"article_id": str, "tag": str, "op": str, "seq": int}, pk=("article_id", "tag")
    )
    # `new.tags` with the article's tag edits applied: removed tags dropped, added ones
    # appended in the order they were added.
    edited_tags = """(
    select json_group_array(tag) from (
      select t.value as tag, t.key as position from json_each(new.tags) t
      where t.value not in (
        select tag from tag_edits where article_id = new.id and op = 'remove')
      union all
      select e.tag, 1000000 + e.seq from tag_edits e
      where e.article_id = new.id and e.op = 'add'
        and e.tag not in (select value from json_each(new.tags))
      order by position))"""
    # sqlite-utils turns recursive triggers on, so the trigger compares before it writes:
    # applying the edits to tags that already carry them changes nothing, and it stops.
    db.execute(
        f"""
        create trigger articles_keep_tag_edits after update of tags on articles
        when exists (select 1 from tag_edits where article_id = new.id)
          and new.tags is not {edited_tags}
        begin
          update articles set tags = {edited_tags} where id = new.id;
        end
        """  # noqa: S608 (our constant text)
    )
    db.execute(
        """
        create trigger articles_keep_curation after insert on articles
        when exists (select 1 from curation_log where article_id = new.id)
        begin
          update articles set
            hidden = coalesce((select action = 'hide' from curation_log
              where article_id = new.id and action in ('hide', 'unhide')
              order by id desc limit 1), hidden),
            pinned_at = (select case when action = 'pin' then at end from curation_log
              where article_id = new.id and action in ('pin', 'unpin')
              order by id desc limit 1),
            tags = tags
          where id = new.id;
        end
        """
    )
    db.execute(
        """
        create trigger articles_hide_copies_of_hidden_stories after insert on articles
        when (select hidden from articles where id = new.id) = 0
          and not exists (select 1 from curation_log
            where article_id = new.id and action in ('hide', 'unhide'))
          and exists (select 1 from articles where story_id = new.story_id and id != new.id)
          and not exists (select 1 from articles
            where story_id = new.story_id and id != new.id and hidden = 0)
        begin
          update articles set hidden = 1 where id = new.id;
          insert into curation_log (at, article_id, action, detail, reason)
          values (new.first_seen, new.id, 'hide', 'story ' || new.story_id,
                  'a copy of a story whose every copy is hidden');
        end
        """
    )


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

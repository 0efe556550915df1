"""The register's version: a number that changes whenever a row of the register changes, read in one
trivial query. Caches and HTTP validators (ETags) of public pages are keyed by it.

PostgreSQL keeps it, so that every way of writing counts — services, the admin, bulk imports, COPY,
`QuerySet.update`, raw SQL — with no signal to forget. A statement-level trigger on each register
table takes a number from a sequence (no lock: concurrent writers never wait on each other) and, once
per transaction, queues a deferred trigger that takes another number at commit. A reader that saw the
first number while the writer was still running may have cached what it read then under that number;
the number taken at commit moves every key on, so nothing read before the commit outlives it.
"""

from __future__ import annotations

import hashlib
from functools import cache as memoise
from pathlib import Path

from django.conf import settings
from django.db import connection

SEQUENCE = "twinwatch_register_version"
BUMPS = "twinwatch_register_bump"
TRIGGER = "register_version_touch"

INSTALL_SQL = f"""
CREATE SEQUENCE IF NOT EXISTS {SEQUENCE};
CREATE TABLE IF NOT EXISTS {BUMPS} (txid bigint PRIMARY KEY);
CREATE OR REPLACE FUNCTION twinwatch_register_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM nextval('{SEQUENCE}');
    INSERT INTO {BUMPS} (txid) VALUES (txid_current()) ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION twinwatch_register_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM nextval('{SEQUENCE}');
    DELETE FROM {BUMPS} WHERE txid = NEW.txid;
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS register_version_at_commit ON {BUMPS};
CREATE CONSTRAINT TRIGGER register_version_at_commit AFTER INSERT ON {BUMPS}
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION twinwatch_register_commit();
"""

UNINSTALL_SQL = f"""
DROP TABLE IF EXISTS {BUMPS};
DROP FUNCTION IF EXISTS twinwatch_register_commit();
DROP SEQUENCE IF EXISTS {SEQUENCE};
"""


def watch_sql(tables: list[str]) -> str:
    return "".join(
        f'DROP TRIGGER IF EXISTS {TRIGGER} ON "{t}"; CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE '
        f'OR TRUNCATE ON "{t}" FOR EACH STATEMENT EXECUTE FUNCTION twinwatch_register_touch();\n'
        for t in tables
    )


def unwatch_sql(tables: list[str]) -> str:
    return "".join(f'DROP TRIGGER IF EXISTS {TRIGGER} ON "{t}";\n' for t in tables)


def register_version() -> int:
    """The current version (one query on the sequence, no table read; works on a read-only replica)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT last_value + is_called::int FROM {SEQUENCE}")
        return cursor.fetchone()[0]


def watched_tables() -> set[str]:
    """Tables carrying the trigger (for the test that every register table does)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname = %s", [TRIGGER])
        return {name for (name,) in cursor.fetchall()}


@memoise
def release() -> str:
    """A token of the code, templates and translations this process serves (their files' names, sizes and
    times; the folders named are the project's, read as files, not imported), so
    a deploy changes every ETag even when the register did not."""
    root = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    for folder in ("templates", "locale", "web", "twinning", "campaigns", "sources", "core", "config"):
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in (".py", ".html", ".mo", ".txt", ".xml", ".svg") and path.is_file():
                stat = path.stat()
                digest.update(f"{path.relative_to(root)}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]

"""Versioned migrations of a PostgreSQL read store, shipped as package data (``migrations/NNNN_*.sql``).

Each store lives in a schema of its own (``schema_name``). ``migrate`` applies, in one transaction
and under an advisory lock (two projectors starting at once apply each migration once), the
migrations the schema has not had, in order; a schema already migrated past what this code knows
is refused with a clear error, before anything is written.
"""

from __future__ import annotations

import re
from importlib.resources import files
from typing import Any, NamedTuple

import psycopg
from psycopg import sql

from services.readstore.errors import SchemaTooNew

_FILE = re.compile(r"^(\d{4})_(\w+)\.sql$")
_LEDGER = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now()
)
"""


class Migration(NamedTuple):
    version: int
    name: str
    text: str


def migrations() -> list[Migration]:
    """Every migration shipped with this code, oldest first."""
    folder = files("services.readstore.postgres.migrations")
    found = [
        Migration(int(m[1]), m[2], entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if (m := _FILE.match(entry.name))
    ]
    return sorted(found)


def schema_name(prefix: str) -> str:
    """The schema holding the read models of a key prefix (one deployment or test per schema)."""
    return f"newsfacts_{prefix}"


def lock(raw: psycopg.Connection[tuple[Any, ...]], key: str) -> None:
    """Take a transaction-level advisory lock named ``key`` (released at commit or rollback)."""
    raw.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (key,))


def migrate(raw: psycopg.Connection[tuple[Any, ...]], schema: str) -> int:
    """Bring ``schema`` (created if absent) up to this code's newest migration; return its version."""
    shipped = migrations()
    newest = shipped[-1].version if shipped else 0
    with raw.transaction():
        lock(raw, f"newsfacts-migrate:{schema}")
        raw.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
        raw.execute(_LEDGER.encode())
        applied = {row[0] for row in raw.execute("SELECT version FROM schema_migrations")}
        at = max(applied, default=0)
        if at > newest:
            raise SchemaTooNew(
                f"the read store's schema {schema!r} is at version {at}, "
                f"newer than this code knows ({newest})"
            )
        for migration in shipped:
            if migration.version not in applied:
                raw.execute(migration.text.encode())
                raw.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES (%s, %s)",
                    (migration.version, migration.name),
                )
    return newest


def version(raw: psycopg.Connection[tuple[Any, ...]]) -> int | None:
    """The schema version of the store on the connection's search path, None if it has none;
    ``SchemaTooNew`` if this code cannot read it."""
    found = raw.execute("SELECT to_regclass('schema_migrations') IS NOT NULL").fetchone()
    if not found or not found[0]:
        return None
    row = raw.execute("SELECT max(version) FROM schema_migrations").fetchone()
    at = int(row[0]) if row and row[0] is not None else None
    known = migrations()[-1].version
    if at is not None and at > known:
        raise SchemaTooNew(
            f"the read store's schema is at version {at}, newer than this code knows ({known})"
        )
    return at

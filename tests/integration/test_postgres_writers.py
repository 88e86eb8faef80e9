"""Several writers share one PostgreSQL read store: disjoint partitions, no lost update."""

from __future__ import annotations

import threading
import uuid
from pathlib import Path

import psycopg
import pytest

from services.projector import logbinding, queries
from services.projector.entries import LogEntry
from services.projector.logbinding import StoreOfAnotherLog
from services.projector.store import ReadModelStore
from services.readstore.errors import SchemaTooNew
from services.readstore.postgres.schema import migrations
from services.readstore.postgres.store import PostgresStore
from tests.storelog import made_up_part, seed_part


def _race(url: str, schema: str, parts: list[list[LogEntry]], batch: int) -> None:
    """Each part applied by a writer of its own (partition n), in lock step: the writers start their
    n-th batches together, so the articles at the same place in each part are written at once."""
    step = threading.Barrier(len(parts), timeout=30)
    failures: list[BaseException] = []
    longest = max(len(part) for part in parts)

    def write(partition: int, entries: list[LogEntry]) -> None:
        try:
            with PostgresStore.open(url, schema, partition=partition) as store:
                for at in range(0, longest, batch):
                    step.wait()
                    if entries[at : at + batch]:
                        store.apply_batch(entries[at : at + batch])
        except BaseException as exc:  # noqa: BLE001 - reported by the test thread
            failures.append(exc)

    threads = [threading.Thread(target=write, args=(n, part)) for n, part in enumerate(parts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not failures, failures


@pytest.mark.parametrize("batch", [1, 7])
def test_two_writers_racing_lose_no_update(postgres_url: str, tmp_path: Path, batch: int) -> None:
    """Two writers of disjoint articles end with exactly what one writer of the whole log has: every
    counter increment, every entity, and the story link between an article of each."""
    parts = [seed_part(), made_up_part()]
    schema = f"newsfacts_t{uuid.uuid4().hex[:12]}"
    with PostgresStore.open(postgres_url, schema):
        pass  # migrated once before the race: the race is about rows, not DDL
    _race(postgres_url, schema, parts, batch)
    with (
        ReadModelStore.open(tmp_path / "one.sqlite") as alone,
        PostgresStore.open(postgres_url, schema) as shared,
    ):
        for part in parts:
            alone.apply_batch(part)
        assert queries.counters(shared.connection) == queries.counters(alone.connection)
        assert queries.story(shared.connection, "m-rates") == queries.story(alone.connection, "m-rates")
        assert len(queries.story(alone.connection, "m-rates").members) == 2  # type: ignore[union-attr]
        assert shared.checksum() == alone.checksum()
    with PostgresStore.open(postgres_url, schema, partition=1) as again:
        assert again.apply_batch(parts[1]) == 0  # its positions committed with its rows: nothing twice


def test_a_schema_newer_than_the_code_is_refused(postgres_url: str) -> None:
    """A store migrated by newer code stops the projector at start with a clear error."""
    schema = f"newsfacts_t{uuid.uuid4().hex[:12]}"
    with PostgresStore.open(postgres_url, schema) as store:
        store.connection.raw.execute("INSERT INTO schema_migrations (version, name) VALUES (9999, 'future')")
    with pytest.raises(SchemaTooNew, match="version 9999, newer than this code knows"):
        PostgresStore.open(postgres_url, schema)


def test_migrations_ship_with_the_package_and_make_every_read_model(
    postgres_url: str, tmp_path: Path
) -> None:
    """The migrations are package data, and they make the tables SQLite's schema makes."""
    assert [m.version for m in migrations()][:1] == [1]
    schema = f"newsfacts_t{uuid.uuid4().hex[:12]}"
    with PostgresStore.open(postgres_url, schema) as store:
        rows = store.connection.raw.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (schema,)
        )
        tables = {r[0] for r in rows} - {"schema_migrations"}
    with ReadModelStore.open(tmp_path / "rm.sqlite") as sqlite:
        listed = sqlite.connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        theirs = {r[0] for r in listed if not r[0].startswith("search_")}
    assert tables == theirs


def test_a_bad_password_is_a_clear_error_that_does_not_show_it(postgres_url: str) -> None:
    """Connecting with a wrong DSN fails with psycopg's error, which never carries the password."""
    wrong = postgres_url.replace("postgres@", "nobody-here:s3cret-pw@")
    with pytest.raises(psycopg.OperationalError) as caught:
        PostgresStore.open(wrong, "newsfacts_never")
    assert "s3cret-pw" not in str(caught.value)


def test_a_postgresql_store_is_bound_to_one_log_as_a_sqlite_one_is(postgres_url: str) -> None:
    """The first writer records the log's id in ``meta``; the same id again is fine, another log's is
    refused naming both ids and where the store is (database and schema)."""
    schema = f"newsfacts_t{uuid.uuid4().hex[:12]}"
    with PostgresStore.open(postgres_url, schema) as store:
        logbinding.record_log_id(store.connection, "log-a")
        logbinding.record_log_id(store.connection, "log-a")
        assert logbinding.recorded_log_id(store.connection) == "log-a"
        with pytest.raises(StoreOfAnotherLog, match="belongs to log log-a, not to log log-b") as refused:
            logbinding.record_log_id(store.connection, "log-b")
        assert f"schema {schema}" in str(refused.value)
        assert logbinding.recorded_log_id(store.connection) == "log-a"

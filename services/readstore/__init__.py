"""The read store: where the projector's read models live and how they are reached. One door.

``NEWSFACTS_READ_STORE`` chooses it: ``sqlite:///PATH`` (the default, the file under the data
directory, with generations: ``projector/generations.py``) or ``postgresql://user:password@host:port/db``
(the read models in a schema of that database named after the key prefix). ``open_store`` gives the
projector's writer, ``reader`` a connection for the query functions (``projector/queries.py``,
``projector/audit.py``), which run unchanged on either.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import ExitStack, closing, contextmanager
from pathlib import Path
from types import TracebackType
from typing import Protocol

from services.common.connection import redact
from services.common.settings import Settings
from services.projector import generations, queries
from services.projector.entries import LogEntry, Undecodable
from services.projector.fold import Folded
from services.projector.sqlconn import Connection
from services.projector.store import ReadModelStore
from services.readstore.errors import SchemaTooNew, StoreUnavailable
from services.readstore.rebuilds import FileTarget, SchemaTarget, Target

__all__ = ["NoReadModels", "SchemaTooNew", "Store", "StoreUnavailable"]


class NoReadModels(RuntimeError):
    """There are no read models where the settings point (no projector has run there yet)."""


class Store(Protocol):
    """What the projector and replay write through: batches in, positions and a checksum out."""

    @property
    def connection(self) -> Connection: ...

    def apply_batch(self, entries: Sequence[LogEntry | Undecodable]) -> int: ...

    def apply_work(self, folded: Folded) -> None: ...

    def positions(self) -> dict[str, str]: ...

    def checksum(self) -> str: ...

    def settle(self) -> None: ...

    def moved(self) -> bool: ...

    def close(self) -> None: ...

    def __enter__(self) -> Store: ...

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...


def is_postgres(url: str) -> bool:
    """Whether a read-store URL names a PostgreSQL database."""
    return url.startswith(("postgresql://", "postgres://"))


def describe(settings: Settings) -> str:
    """The read store, safe to log or print: the SQLite file's path, or the URL with no password."""
    url = settings.read_store_url
    return redact(url) if is_postgres(url) else str(settings.readmodel_path)


def open_store(settings: Settings) -> Store:
    """The live read store the settings name, for writing (SQLite: the live generation's file)."""
    url = settings.read_store_url
    if is_postgres(url):
        import psycopg

        from services.readstore.postgres.schema import schema_name
        from services.readstore.postgres.store import PostgresStore

        try:
            return PostgresStore.open(url, schema_name(settings.prefix))
        except psycopg.OperationalError as exc:
            raise StoreUnavailable(f"cannot reach the read store {redact(url)}: {exc}") from exc
    return ReadModelStore.open(generations.current(settings))


def live_rebuild(settings: Settings) -> Target:
    """Where ``replay rebuild`` builds the next live generation of the store the settings name."""
    url = settings.read_store_url
    if is_postgres(url):
        from services.readstore.postgres.schema import schema_name

        return SchemaTarget(url, schema_name(settings.prefix))
    return FileTarget(settings, generations.next_generation(settings), live=True)


def file_rebuild(settings: Settings, path: Path) -> Target:
    """A rebuild into a SQLite file of its own (``--output``, ``--until``), whatever the live store."""
    return FileTarget(settings, path, live=False)


@contextmanager
def reader(settings: Settings, override: str | None = None) -> Iterator[Connection]:
    """A read-only connection to the live read models (or to the SQLite file ``override``).

    Raises ``NoReadModels`` when there are none yet.
    """
    url = settings.read_store_url
    if override is None and is_postgres(url):
        import psycopg

        from services.readstore.postgres.connection import PgConnection, connect
        from services.readstore.postgres.schema import schema_name, version

        schema = schema_name(settings.prefix)
        try:
            raw = connect(url, schema, application="newsfacts-reader")
        except psycopg.OperationalError as exc:
            raise StoreUnavailable(f"cannot reach the read store {redact(url)}: {exc}") from exc
        with closing(PgConnection(raw)) as conn:
            if version(conn.raw) is None:
                raise NoReadModels(
                    f"no read models in schema {schema!r} of {redact(url)} yet: "
                    "run the projector (newsfacts up) and publish articles"
                )
            yield conn
        return
    path = Path(override) if override else settings.readmodel_path
    if not path.exists():
        raise NoReadModels(
            f"no read models at {path} yet: run the projector (newsfacts up) and publish articles"
        )
    with closing(queries.connect_readonly(path)) as sqlite:
        yield sqlite


@contextmanager
def reader_if_any(settings: Settings) -> Iterator[Connection | None]:
    """``reader``, or None when there are no read models yet (for commands that can do without)."""
    with ExitStack() as stack:
        try:
            conn: Connection | None = stack.enter_context(reader(settings))
        except NoReadModels:
            conn = None
        yield conn

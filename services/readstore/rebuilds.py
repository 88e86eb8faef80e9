"""Where a rebuild writes: a new live generation (SQLite file or PostgreSQL schema), or a SQLite file.

Each target opens a store nobody reads until it is complete (a bulk load), drops it when the
build fails, and switches readers to it when the build is whole and live.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from services.common.connection import redact
from services.common.settings import Settings
from services.projector import generations
from services.projector.store import ReadModelStore

if TYPE_CHECKING:
    from services.readstore import Store


@dataclass(frozen=True)
class FileTarget:
    """A SQLite file: the next generation of the live store (``live``), or a file of its own."""

    settings: Settings
    path: Path
    live: bool

    @property
    def where(self) -> str:
        return str(self.path)

    def open(self) -> Store:
        return ReadModelStore.open(self.path, bulk=True)

    def abandon(self) -> None:
        generations.drop(self.path)  # a half-built store must never be taken for a generation

    def switch(self) -> None:
        previous = generations.switch(self.settings, self.path)
        if previous is not None and previous != self.path:
            generations.drop(previous)


@dataclass(frozen=True)
class SchemaTarget:
    """The next generation of a PostgreSQL read store: a schema beside the live one."""

    url: str
    live: str

    @property
    def where(self) -> str:
        return f"{redact(self.url)} schema {self.live}"

    def open(self) -> Store:
        from services.readstore.postgres.store import PostgresStore

        return PostgresStore.rebuild(self.url, self.live)

    def abandon(self) -> None:
        from services.readstore.postgres import generations as schemas

        schemas.abandon(self.url, self.live)

    def switch(self) -> None:
        from services.readstore.postgres import generations as schemas

        schemas.switch(self.url, self.live)


Target = FileTarget | SchemaTarget

"""The read-model checksum covers every table the schema creates."""

from __future__ import annotations

from pathlib import Path

from services.projector.checksum import PARTS
from services.projector.store import ReadModelStore

#: Tables deliberately outside the checksum: how far the log was read, and which log, is not what it says.
NOT_CHECKSUMMED = {"positions", "meta"}


def test_every_read_model_table_is_in_the_checksum(tmp_path: Path) -> None:
    """A table added to schema.sql without a checksum part would let two different stores compare equal."""
    with ReadModelStore.open(tmp_path / "store.sqlite") as store:
        rows = store.connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    tables = {name for (name,) in rows if not name.startswith("search_")}  # FTS5 shadow tables
    covered = {part for part, _ in PARTS}
    assert tables - NOT_CHECKSUMMED <= covered, tables - NOT_CHECKSUMMED - covered

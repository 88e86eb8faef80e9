"""The data directory is private whatever the umask: a real embedded server and projector under umask 022."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import Cli, clean_environment, eventually, terminate

pytestmark = pytest.mark.redis


@pytest.fixture
def umask_022() -> Iterator[None]:
    """The usual umask, under which files are created world-readable unless newsfacts says otherwise."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def test_server_and_projector_files_are_for_their_owner_only(tmp_path: Path, umask_022: None) -> None:
    """Data dir and every directory under it 0700; the AOF, logs, server state and SQLite store
    (with its -wal and -shm) 0600."""
    data = tmp_path / "data"
    cli = Cli(clean_environment(NEWSFACTS_DATA_DIR=str(data)), data, "nf")
    projector = cli.start("worker", "projector", log=tmp_path / "projector.log")
    try:
        store = cli.readmodel_path
        eventually(lambda: Path(f"{os.path.realpath(store)}-shm").exists(), "the store and its -shm file")
        assert (
            cli.run("publish", "-", stdin=b'{"title": "Private", "body": "Nobody else reads this."}').code
            == 0
        )
        eventually(lambda: any((data / "server").rglob("*.aof")), "the AOF files")
        found = {p: stat.S_IMODE(p.lstat().st_mode) for p in [data, *data.rglob("*")] if not p.is_symlink()}
    finally:
        assert terminate(projector) == 0
        cli.run("server", "stop")
    names = {p.name for p in found}
    assert {"server.log", "server.json", "server.conf", "appendonlydir"} <= names
    assert {"nf.g1.sqlite", "nf.g1.sqlite-wal", "nf.g1.sqlite-shm"} <= names
    wrong = {str(p): oct(m) for p, m in found.items() if m != (0o700 if p.is_dir() else 0o600)}
    assert not wrong

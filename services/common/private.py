"""Private files: the data directory and everything newsfacts writes in it, for its owner only.

The data directory holds the whole log (the server's AOF), its logs and the read models; with a
password set it would still be readable by every local user under the usual umask 022. So it is
made 0700 and the files newsfacts creates 0600 whatever the umask, and the embedded server runs
with umask 077 (``SERVER_UMASK``) so its AOF directory, AOF files and log are private too.
"""

from __future__ import annotations

import os
from pathlib import Path

#: The umask the embedded server is started with: what it creates is for its owner only.
SERVER_UMASK = 0o077


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) and make it 0700; return it."""
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def private_file(path: Path) -> Path:
    """Create ``path`` empty if it is missing, and make it 0600; return it.

    SQLite gives a database's ``-wal`` and ``-shm`` files the database file's own mode, so a
    store created through this is private with its companions.
    """
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    os.chmod(path, 0o600)
    return path


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` (replacing it), the file 0600 from the moment it exists."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(path, 0o600)

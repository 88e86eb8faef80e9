"""Read-model generations: the store the readers see is whichever file a symlink points at.

``readmodels/<prefix>.sqlite`` is a symlink to ``<prefix>.g<N>.sqlite``. A rebuild
writes generation N+1 beside the live one and switches the link atomically
(``os.replace`` of a symlink); the projector notices and continues on the new
file; the old one is dropped.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from services.common.private import private_dir
from services.common.settings import Settings


def _pattern(settings: Settings) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(settings.prefix)}\.g(\d+)\.sqlite$")


def current(settings: Settings) -> Path:
    """The live generation's file, creating generation 1 on first use."""
    link = settings.readmodel_path
    if link.is_symlink():
        return link.parent / os.readlink(link)
    if link.exists():  # a plain file from before generations: it is the live store
        return link
    _private_folder(settings)
    first = next_generation(settings)
    switch(settings, first)
    return first


def next_generation(settings: Settings) -> Path:
    """A fresh file name for the next generation (not created)."""
    folder = _private_folder(settings)
    pattern = _pattern(settings)
    numbers = [int(m[1]) for p in folder.iterdir() if (m := pattern.match(p.name))]
    return folder / f"{settings.prefix}.g{max(numbers, default=0) + 1}.sqlite"


def _private_folder(settings: Settings) -> Path:
    """The read models' folder, created private (0700) inside the private data directory."""
    folder = settings.readmodel_path.parent
    if folder.parent == settings.data_dir:
        private_dir(settings.data_dir)
    return private_dir(folder)


def switch(settings: Settings, target: Path) -> Path | None:
    """Point readers at ``target`` atomically; return the previous generation's file, if any."""
    link = settings.readmodel_path
    previous = link.parent / os.readlink(link) if link.is_symlink() else None
    staging = link.with_name(link.name + ".switching")
    staging.unlink(missing_ok=True)
    staging.symlink_to(target.name)
    os.replace(staging, link)
    return previous


def drop(path: Path) -> None:
    """Delete a generation's file with its WAL companions."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)

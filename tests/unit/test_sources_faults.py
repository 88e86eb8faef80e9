"""Unreadable files and text that is not UTF-8: named, and treated by one rule whatever the file type."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.common.events.intake import RejectReason
from services.publish.sources import SourceError, read_paths
from services.stages import run_inline

NOT_UTF8 = b"The bank raised rates \xff today."  # one line: one item in every file type


def unreadable(folder: Path) -> tuple[Path, Path]:
    """A file whose read fails with EIO (a link to /proc/self/mem), and a broken link."""
    eio, broken = folder / "b-eio.json", folder / "c-broken.txt"
    eio.symlink_to("/proc/self/mem")
    broken.symlink_to(folder / "gone.txt")
    return eio, broken


@pytest.mark.parametrize("name", ["a.txt", "a.html", "a.json"])
def test_text_that_is_not_utf8_goes_raw_whatever_the_file_type(tmp_path: Path, name: str) -> None:
    """No replacement characters: the bytes go as they are, with the reason, and ingest rejects them."""
    path = tmp_path / name
    path.write_bytes(NOT_UTF8)
    [item] = read_paths([str(path)])
    assert (item.article, item.raw) == (None, NOT_UTF8)
    assert item.problem is not None and item.problem.startswith(
        f"not valid UTF-8 (byte {NOT_UTF8.index(0xFF)})"
    )
    rejected = run_inline(item.raw).rejected
    assert rejected is not None and rejected.data["reason"] == RejectReason.NOT_UTF8


def test_a_json_line_that_is_not_utf8_is_the_one_item_rejected(tmp_path: Path) -> None:
    """In JSON Lines the rule holds per line: the other lines are articles."""
    path = tmp_path / "feed.jsonl"
    path.write_bytes(b'{"title": "A"}\n{"title": "caf\xe9"}\n')
    good, bad = read_paths([str(path)])
    assert good.article == {"title": "A"}
    assert bad.article is None and bad.problem is not None and "UTF-8" in bad.problem


def test_unreadable_files_in_a_folder_are_skipped_and_named_when_asked(tmp_path: Path) -> None:
    """An I/O error and a broken link are both listed with why; the readable files are all read."""
    (tmp_path / "a-good.json").write_bytes(b'{"title": "A"}')
    (tmp_path / "d-good.txt").write_bytes(b"Title\n\nBody.")
    eio, broken = unreadable(tmp_path)
    skipped: list[tuple[str, str]] = []
    items = list(read_paths([str(tmp_path)], skipped))
    assert [Path(i.origin).name for i in items] == ["a-good.json", "d-good.txt"]
    assert skipped == [
        (str(eio), "cannot be read: Input/output error"),
        (str(broken), f"a broken link to {tmp_path / 'gone.txt'}"),
    ]


def test_an_unreadable_file_stops_the_reading_naming_it_otherwise(tmp_path: Path) -> None:
    """Without a list to skip into (analyze, correct), the first unreadable file is an error naming it."""
    eio, _ = unreadable(tmp_path)
    with pytest.raises(SourceError, match=f"^{eio}: cannot be read: Input/output error$"):
        list(read_paths([str(eio)]))

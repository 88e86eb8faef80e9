"""Reading articles from files, folders and stdin: every item is kept, parsable or not."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import orjson
import pytest

from services.publish.sources import Item, SourceError, read_paths


def read(*paths: Path | str) -> list[Item]:
    return list(read_paths([str(p) for p in paths]))


class FakeStdin:
    """Just enough of ``sys.stdin`` for ``-``: a binary buffer."""

    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)


def test_json_object_file_is_one_item(tmp_path: Path) -> None:
    """A file holding one JSON object is one article, named after the file."""
    path = tmp_path / "one.json"
    path.write_bytes(b'{"title": "T", "body": "B"}')
    [item] = read(path)
    assert item.origin == str(path)
    assert item.article == {"title": "T", "body": "B"}
    assert orjson.loads(item.raw) == item.article


def test_json_array_file_is_one_item_per_element(tmp_path: Path) -> None:
    """A JSON array is one item per element, numbered from 1; non-objects are kept raw."""
    path = tmp_path / "many.json"
    path.write_bytes(b'[{"title": "A"}, {"title": "B"}, 42]')
    items = read(path)
    assert [i.origin for i in items] == [f"{path}[1]", f"{path}[2]", f"{path}[3]"]
    assert [i.article for i in items] == [{"title": "A"}, {"title": "B"}, None]
    assert items[2].raw == b"42"


def test_jsonl_keeps_a_malformed_line_as_raw_bytes(tmp_path: Path) -> None:
    """In JSON Lines a bad line becomes an item without an article, raw bytes and line number kept."""
    path = tmp_path / "feed.jsonl"
    path.write_bytes(b'{"title": "A"}\n{"title": oops\n\n{"title": "C"}\n')
    items = read(path)
    assert [i.origin for i in items] == [f"{path}:1", f"{path}:2", f"{path}:4"]
    assert [i.article for i in items] == [{"title": "A"}, None, {"title": "C"}]
    assert items[1].raw == b'{"title": oops'


def test_jsonl_line_numbers_count_leading_blank_lines(tmp_path: Path) -> None:
    """The origin of a JSON Lines item is its line in the file as an editor shows it."""
    path = tmp_path / "feed.jsonl"
    path.write_bytes(b'\n\n{"title": "A"}\n{"title": oops\n')
    assert [i.origin for i in read(path)] == [f"{path}:3", f"{path}:4"]


def test_a_single_malformed_document_is_kept_raw(tmp_path: Path) -> None:
    """A one-line file that is not JSON is still one item, so ingest can record the rejection."""
    path = tmp_path / "bad.json"
    path.write_bytes(b"{not json at all}\n")
    [item] = read(path)
    assert (item.origin, item.article, item.raw) == (str(path), None, b"{not json at all}")


def test_folder_reads_supported_files_in_order_and_ignores_others(tmp_path: Path) -> None:
    """A folder gives its .json, .html and .txt files (recursively, sorted); a .md file is skipped."""
    (tmp_path / "a.json").write_bytes(b'{"title": "From JSON"}')
    (tmp_path / "b.html").write_text("<html><body><p>From HTML</p></body></html>")
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "c.txt").write_text("Just a body.")
    (tmp_path / "README.md").write_text("# not an article")
    items = read(tmp_path)
    assert [Path(i.origin).name for i in items] == ["a.json", "b.html", "c.txt"]
    assert items[0].article == {"title": "From JSON"}
    assert items[1].article == {"html": "<html><body><p>From HTML</p></body></html>"}
    assert items[2].article == {"body": "Just a body."}


def test_txt_first_line_then_blank_line_is_the_title(tmp_path: Path) -> None:
    """A .txt file whose first line is followed by a blank line has that line as its title."""
    path = tmp_path / "story.txt"
    path.write_text("Rates rise again\n\nThe bank raised rates.\n\nA second paragraph.\n")
    [item] = read(path)
    assert item.article == {
        "title": "Rates rise again",
        "body": "The bank raised rates.\n\nA second paragraph.",
    }


def test_txt_without_a_title_line_is_all_body(tmp_path: Path) -> None:
    """Without the blank line after the first line, the whole text is the body."""
    path = tmp_path / "story.txt"
    path.write_text("Rates rise again\nThe bank raised rates.\n")
    [item] = read(path)
    assert item.article == {"body": "Rates rise again\nThe bank raised rates."}


def test_dash_reads_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    """``-`` reads JSON, an array or JSON Lines from standard input."""
    monkeypatch.setattr(sys, "stdin", FakeStdin(b'{"title": "A"}\n{"title": "B"}\n'))
    items = read("-")
    assert [i.origin for i in items] == ["<stdin>:1", "<stdin>:2"]
    assert [i.article for i in items] == [{"title": "A"}, {"title": "B"}]


def test_empty_stdin_gives_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing in, nothing out, no error."""
    monkeypatch.setattr(sys, "stdin", FakeStdin(b"  \n"))
    assert read("-") == []


def test_missing_path_is_a_source_error(tmp_path: Path) -> None:
    """A path that does not exist cannot be read at all."""
    with pytest.raises(SourceError, match="no such file or folder"):
        read(tmp_path / "nowhere.json")


def test_empty_folder_is_a_source_error(tmp_path: Path) -> None:
    """A folder with no supported files is an error, not silently nothing."""
    (tmp_path / "notes.md").write_text("nothing to publish")
    with pytest.raises(SourceError, match=r"no .* files in this folder"):
        read(tmp_path)

"""Reading articles from files, folders and stdin into raw submissions.

Each item becomes either a parsed JSON object or, when it cannot be parsed,
its raw bytes: those are still published, so that ingest records them as
``article.rejected`` with a reason instead of losing them silently. One rule for
text that is not UTF-8, whatever the file type: it is never repaired, and the
item holding it (a .txt or .html file, a JSON file, a JSON line) goes raw, to be
rejected as ``not_utf8``. A file that cannot be read at all (an I/O error, a
broken link) is named: it stops the reading, or is skipped and listed.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson

SUFFIXES = (".json", ".jsonl", ".ndjson", ".html", ".htm", ".txt")


@dataclass(frozen=True, slots=True)
class Item:
    """One thing to publish and where it came from (``file:line``)."""

    origin: str
    article: dict[str, object] | None
    raw: bytes
    #: Why ``article`` is None, when it is known better than "not a JSON object".
    problem: str | None = None


class SourceError(ValueError):
    """A path that cannot be read at all."""


def check_paths(paths: list[str]) -> None:
    """Fail early, before anything is sent, on a path that does not exist."""
    for path in paths:
        p = Path(path)
        if path != "-" and not p.exists():
            raise SourceError(f"{path}: no such file or folder")
        if p.is_dir() and not any(f.is_file() and f.suffix.lower() in SUFFIXES for f in p.rglob("*")):
            raise SourceError(f"{path}: no {', '.join(SUFFIXES)} files in this folder")


def read_paths(paths: list[str], skipped: list[tuple[str, str]] | None = None) -> Iterator[Item]:
    """Items from every path, in order; ``-`` reads standard input.

    A file that cannot be read raises ``SourceError`` naming it; given ``skipped``, it is
    appended there as (path, why) instead and the other files are read.
    """
    for path in paths:
        if path == "-":
            yield from _from_json_text(sys.stdin.buffer.read(), "<stdin>")
            continue
        p = Path(path)
        if p.is_dir():
            files = sorted(f for f in p.rglob("*") if f.suffix.lower() in SUFFIXES and _a_file(f))
            if not files:
                raise SourceError(f"{path}: no {', '.join(SUFFIXES)} files in this folder")
            for f in files:
                yield from _from_file(f, skipped)
        elif p.is_file() or p.is_symlink():
            yield from _from_file(p, skipped)
        else:
            raise SourceError(f"{path}: no such file or folder")


def _a_file(path: Path) -> bool:
    """A file, or a link that should be one (a broken link is reported, not silently passed over)."""
    return path.is_file() or (path.is_symlink() and not path.exists())


def _from_file(path: Path, skipped: list[tuple[str, str]] | None) -> Iterator[Item]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        why = f"a broken link to {os.readlink(path)}" if path.is_symlink() and not path.exists() else ""
        why = why or f"cannot be read: {exc.strerror or exc}"
        if skipped is None:
            raise SourceError(f"{path}: {why}") from None
        skipped.append((str(path), why))
        return
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm", ".txt"):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield Item(str(path), None, data, _not_utf8(exc))
            return
        article: dict[str, object] = {"html": text} if suffix != ".txt" else _text_article(text)
        yield Item(str(path), article, orjson.dumps(article))
    else:
        yield from _from_json_text(data, str(path))


def _not_utf8(exc: UnicodeDecodeError) -> str:
    return f"not valid UTF-8 (byte {exc.start}); ingest will record it as rejected (not_utf8)"


def _problem(data: bytes) -> str | None:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _not_utf8(exc)
    return None


def _text_article(text: str) -> dict[str, object]:
    """A .txt file: a first line followed by a blank line is the title; the rest is the body."""
    head, sep, rest = text.strip().partition("\n\n")
    if sep and "\n" not in head and len(head) < 300:
        return {"title": head.strip(), "body": rest.strip()}
    return {"body": text.strip()}


def _from_json_text(data: bytes, origin: str) -> Iterator[Item]:
    """A JSON object, a JSON array of objects, or JSON Lines."""
    stripped = data.strip()
    if not stripped:
        return
    try:
        whole = orjson.loads(stripped)
    except orjson.JSONDecodeError:
        lines = data.split(b"\n")
        if len([line for line in lines if line.strip()]) == 1:
            yield Item(origin, None, stripped, _problem(stripped))
            return
        for n, line in enumerate(lines, 1):
            if line.strip():
                yield _item(f"{origin}:{n}", line.strip())
        return
    items = whole if isinstance(whole, list) else [whole]
    for n, obj in enumerate(items, 1):
        where = f"{origin}[{n}]" if isinstance(whole, list) else origin
        yield (
            Item(where, obj, orjson.dumps(obj))
            if isinstance(obj, dict)
            else Item(where, None, orjson.dumps(obj))
        )


def _item(origin: str, line: bytes) -> Item:
    try:
        obj = orjson.loads(line)
    except orjson.JSONDecodeError:
        return Item(origin, None, line, _problem(line))
    return Item(origin, obj if isinstance(obj, dict) else None, line)

"""The archive: sealed segments of the log as Parquet files (zstd), and one manifest per stream.

Layout under the archive URL (a directory, or any fsspec URL such as ``s3://bucket/prefix``)::

    <prefix>/stream=<short>/partition=<p>/date=<YYYY-MM-DD>/<first id>_<last id>.parquet
    <prefix>/manifest/<short>.p<p>.json

A segment becomes part of the archive only when the manifest names it, and the manifest is
replaced only after the segment's file has been written under a temporary name, moved into place
and read back (entry count and sha256 equal to what was read from Redis). A crash at any point
leaves either the old manifest or the new one; a file the manifest does not name is invisible and
is written again by the next pass.
"""

from __future__ import annotations

import bisect
import io
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import fsspec
import orjson
import pyarrow as pa
import pyarrow.parquet as pq
from fsspec.core import url_to_fs

from services.archive.segment import Row, Summary, digest, from_table, summarise, to_table
from services.projector.entries import entry_key
from services.projector.logbinding import StoreOfAnotherLog

MANIFEST_VERSION = 1
#: What a replay needs of a segment; the envelope columns are for other readers of the archive.
READ_COLUMNS = ["entry_id", "event", "fields"]


class ArchiveUnavailable(RuntimeError):
    """The archive URL names a storage this installation cannot reach (unknown scheme, missing extra)."""


class ArchiveOfAnotherLog(StoreOfAnotherLog):
    """The archive holds the segments of another log (exit 4, as a read store of another log)."""


class ArchiveCorrupt(RuntimeError):
    """A segment read back differs from what its manifest says (or from what was written)."""


@dataclass(frozen=True, slots=True)
class Segment:
    """One manifest entry: where a segment is, and what it holds."""

    path: str
    first: str
    last: str
    count: int
    sha256: str
    bytes: int

    def overlaps(self, after: str, until: str) -> bool:
        """Whether the segment holds an entry with ``after < id <= until`` (``until`` may be '+')."""
        if entry_key(self.last) <= entry_key(after):
            return False
        return until == "+" or entry_key(self.first) <= entry_key(until)


class Archive:
    """The archive of one log (one prefix). Safe to share by forking; writes need the archive lock."""

    def __init__(self, fs: fsspec.AbstractFileSystem, root: str, prefix: str, url: str) -> None:
        self._prefix = prefix
        self._fs = fs
        self._base = f"{root.rstrip('/')}/{prefix}"
        self._local = "file" in ((fs.protocol,) if isinstance(fs.protocol, str) else fs.protocol)
        self.url = url

    @classmethod
    def open(cls, url: str, prefix: str) -> Archive:
        """The archive at ``url`` (a path or an fsspec URL) for the log under ``prefix``."""
        try:
            fs, root = url_to_fs(url)
        except ValueError as exc:  # fsspec: "Protocol not known: foo"
            raise ArchiveUnavailable(f"NEWSFACTS_ARCHIVE_URL={url!r}: {exc}") from None
        except ImportError as exc:  # e.g. s3:// without s3fs
            raise ArchiveUnavailable(
                f"NEWSFACTS_ARCHIVE_URL={url!r} needs a storage library: {exc} (pip install 'newsfacts[s3]')"
            ) from None
        return cls(fs, root, prefix, url)

    def reopened(self) -> Archive:
        """The same archive through a storage client of this process's own (after a fork: an
        object store's client is not fork-safe)."""
        return Archive.open(self.url, self._prefix)

    def log_id(self) -> str | None:
        """The id of the log this archive holds (``log.json``), or None if none was recorded yet."""
        try:
            with self._fs.open(f"{self._base}/log.json", "rb") as f:
                return str(orjson.loads(f.read())["log_id"])
        except FileNotFoundError:
            return None

    def check_log(self, log_id: str) -> None:
        """``ArchiveOfAnotherLog`` if the archive holds another log than ``log_id``."""
        recorded = self.log_id()
        if recorded is not None and recorded != log_id:
            raise ArchiveOfAnotherLog(
                f"the archive {self.url} ({self._base}) holds log {recorded}, not log {log_id} that this "
                "server holds: refusing to mix their segments. Use another NEWSFACTS_ARCHIVE_URL or prefix"
            )

    def bind_log(self, log_id: str) -> None:
        """Record ``log_id`` as this archive's log on its first write; refuse another log's archive."""
        self.check_log(log_id)
        if self.log_id() is None:
            self._put_atomically("log.json", orjson.dumps({"log_id": log_id}))

    def segments(self, short: str, partition: int) -> list[Segment]:
        """The manifest of a stream's partition: its archived segments, oldest first."""
        path = self._manifest_path(short, partition)
        try:
            with self._fs.open(path, "rb") as f:
                doc = orjson.loads(f.read())
        except FileNotFoundError:
            return []
        if doc.get("version") != MANIFEST_VERSION:
            raise ArchiveCorrupt(f"{path}: manifest version {doc.get('version')!r} is not {MANIFEST_VERSION}")
        return [Segment(**s) for s in doc["segments"]]

    def archived_until(self, short: str, partition: int) -> str:
        """The last archived entry id of a stream's partition ('0-0' if none)."""
        segments = self.segments(short, partition)
        return segments[-1].last if segments else "0-0"

    def append(self, short: str, partition: int, rows: Sequence[Row]) -> Segment:
        """Archive ``rows`` (the entries right after the last archived one) as a new segment."""
        summary = summarise(rows)
        segments = self.segments(short, partition)
        if segments and entry_key(summary.first) <= entry_key(segments[-1].last):
            raise ValueError(f"{short} p{partition}: {summary.first} is not after {segments[-1].last}")
        path = self._segment_path(short, partition, summary)
        buffer = io.BytesIO()
        pq.write_table(to_table(rows), buffer, compression="zstd")
        data = buffer.getvalue()
        self._put_atomically(path, data)
        segment = Segment(path, summary.first, summary.last, summary.count, summary.sha256, len(data))
        self.verify(segment)
        self._write_manifest(short, partition, [*segments, segment])
        return segment

    def verify(self, segment: Segment) -> None:
        """Read a segment back: its count and digest must be what the manifest says."""
        rows = self.read(segment)
        if len(rows) != segment.count or digest(rows) != segment.sha256:
            raise ArchiveCorrupt(
                f"{segment.path}: read back {len(rows)} entries with another digest "
                f"(expected {segment.count}, sha256 {segment.sha256[:12]}...)"
            )

    def read(self, segment: Segment) -> list[Row]:
        """Every row of a segment."""
        path = f"{self._base}/{segment.path}"
        try:
            with self._fs.open(path, "rb") as f:
                return from_table(pq.read_table(f, columns=READ_COLUMNS))
        except FileNotFoundError:
            raise ArchiveCorrupt(f"{path}: named in the manifest but missing") from None
        except pa.ArrowException as exc:
            raise ArchiveCorrupt(f"{path}: not a readable segment ({exc})") from None

    def rows(self, short: str, partition: int, after: str = "0-0", until: str = "+") -> Iterator[list[Row]]:
        """Archived rows of a stream's partition with ``after < id <= until``, one segment at a time."""
        low, high = entry_key(after), None if until == "+" else entry_key(until)
        for segment in self.segments(short, partition):
            if not segment.overlaps(after, until):
                continue
            rows = self.read(segment)
            if entry_key(segment.first) <= low or (high is not None and entry_key(segment.last) > high):
                keys = [entry_key(r[0].decode()) for r in rows]
                rows = [r for r, k in zip(rows, keys, strict=True) if low < k and (high is None or k <= high)]
            if rows:
                yield rows

    def entry_and_event_ids(self, short: str, partition: int, low: str, high: str) -> list[tuple[str, str]]:
        """(entry id, event id or '') of the archived entries with ``low <= id < high``."""
        lo, hi = entry_key(low), entry_key(high)
        found: list[tuple[str, str]] = []
        for segment in self.segments(short, partition):
            if entry_key(segment.last) < lo or entry_key(segment.first) >= hi:
                continue
            path = f"{self._base}/{segment.path}"
            with self._fs.open(path, "rb") as f:
                table = pq.read_table(f, columns=["entry_id", "id"])
            for eid, event_id in zip(
                table.column("entry_id").to_pylist(), table.column("id").to_pylist(), strict=True
            ):
                if lo <= entry_key(eid) < hi:
                    found.append((eid, event_id or ""))
        return found

    def find(self, short: str, partition: int, entry_ids: Iterable[str]) -> dict[str, Row]:
        """Archived entries by id (those the archive does not hold are left out)."""
        segments = self.segments(short, partition)
        lasts = [entry_key(s.last) for s in segments]
        wanted: dict[int, list[str]] = {}
        for eid in entry_ids:
            key = entry_key(eid)
            n = bisect.bisect_left(lasts, key)
            if n < len(segments) and entry_key(segments[n].first) <= key:
                wanted.setdefault(n, []).append(eid)
        found: dict[str, Row] = {}
        for n, ids in wanted.items():
            rows = {r[0].decode(): r for r in self.read(segments[n])}
            found.update({eid: rows[eid] for eid in ids if eid in rows})
        return found

    def describe(self) -> dict[str, Any]:
        """Every manifest of the archive: stream/partition -> segments, entries, bytes, last id."""
        out: dict[str, Any] = {}
        for path in sorted(self._fs.glob(f"{self._base}/manifest/*.json")):
            name = path.rsplit("/", 1)[-1].removesuffix(".json")
            short, _, part = name.rpartition(".p")
            segments = self.segments(short, int(part))
            out[name] = {
                "segments": len(segments),
                "entries": sum(s.count for s in segments),
                "bytes": sum(s.bytes for s in segments),
                "last": segments[-1].last if segments else "0-0",
            }
        return out

    def _segment_path(self, short: str, partition: int, summary: Summary) -> str:
        day = datetime.fromtimestamp(summary.first_ms / 1000, UTC).date().isoformat()
        return f"stream={short}/partition={partition}/date={day}/{summary.first}_{summary.last}.parquet"

    def _manifest_path(self, short: str, partition: int) -> str:
        return f"{self._base}/manifest/{short}.p{partition}.json"

    def _write_manifest(self, short: str, partition: int, segments: list[Segment]) -> None:
        doc = {
            "version": MANIFEST_VERSION,
            "stream": short,
            "partition": partition,
            "segments": [asdict(s) for s in segments],
        }
        path = self._manifest_path(short, partition)
        self._put_atomically(
            path.removeprefix(f"{self._base}/"), orjson.dumps(doc, option=orjson.OPT_INDENT_2)
        )

    def _put_atomically(self, relative: str, data: bytes) -> None:
        """Write so that readers never see part of a file: on a local disk under a temporary name,
        then renamed into place; in an object store with one PUT, which is atomic by itself."""
        final = f"{self._base}/{relative}"
        if not self._local:
            self._fs.pipe_file(final, data)
            return
        self._fs.makedirs(final.rsplit("/", 1)[0], exist_ok=True)
        temporary = f"{final}.tmp-{uuid.uuid4().hex}"
        with self._fs.open(temporary, "wb") as f:
            f.write(data)
        self._fs.mv(temporary, final)

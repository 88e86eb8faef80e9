"""Every stream, consumer group and key name in one place.

All names hang off one prefix (``NEWSFACTS_PREFIX``, default ``nf``) so that
tests, demos and several deployments can share one Redis without touching each
other's data.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Pipeline stages in order; each reads the stream named after the stage before it.
STAGES: tuple[str, ...] = ("ingest", "clean", "classify", "enrich", "index")

#: Stage -> the log stream it reads (its input).
STAGE_INPUT: dict[str, str] = {
    "ingest": "submitted",
    "clean": "ingested",
    "classify": "cleaned",
    "enrich": "classified",
    "index": "enriched",
}

#: Stage -> the log stream its normal output goes to.
STAGE_OUTPUT: dict[str, str] = {
    "ingest": "ingested",
    "clean": "cleaned",
    "classify": "classified",
    "enrich": "enriched",
    "index": "indexed",
}

#: Every stream of the fact log, in pipeline order; the projector folds all of them.
LOG_STREAMS: tuple[str, ...] = (
    "submitted",
    "ingested",
    "cleaned",
    "classified",
    "enriched",
    "indexed",
    "rejected",
)

#: Event types that go to a fixed stream whoever emits them.
TYPE_STREAM: dict[str, str] = {
    "article.rejected": "rejected",
    "article.discarded": "rejected",
}

#: The field of a stream entry that carries the event JSON.
EVENT_FIELD = "event"


def text(value: bytes | str) -> str:
    """A stream entry id or key name as text, whether Redis returned it as bytes or str."""
    return value.decode() if isinstance(value, bytes) else value


@dataclass(frozen=True, slots=True)
class Names:
    """Key names under one prefix, of one partition of the log when ``tag`` is set.

    A partition's keys carry its hash tag after the prefix (``nf:{p3-117}:stream:cleaned``);
    which tag a partition has is decided in ``partitions.py``, nowhere else.
    """

    prefix: str = "nf"
    tag: str | None = None

    def key(self, rest: str) -> str:
        """A key of this partition (or of the unpartitioned log): ``<prefix>[:{<tag>}]:<rest>``."""
        return f"{self.prefix}:{{{self.tag}}}:{rest}" if self.tag else f"{self.prefix}:{rest}"

    def meta(self) -> str:
        """Hash describing the log as a whole (its partitions and key layout); in no partition."""
        return f"{self.prefix}:meta"

    def projector(self) -> str:
        """Hash of the projector's health: heartbeat, positions, starts, last error; in no partition."""
        return f"{self.prefix}:projector"

    def stream(self, short: str) -> str:
        """Full key of a log stream, e.g. ``nf:stream:cleaned`` (``nf:{p3-117}:stream:cleaned``)."""
        return self.key(f"stream:{short}")

    def input_stream(self, stage: str) -> str:
        return self.stream(STAGE_INPUT[stage])

    def output_stream(self, stage: str, event_type: str) -> str:
        return self.stream(TYPE_STREAM.get(event_type, STAGE_OUTPUT[stage]))

    def group(self, stage: str) -> str:
        """Consumer group of a stage on its input stream."""
        return stage

    def done(self, stage: str) -> str:
        """Hash of input events a stage has already turned into facts (effectively-once guard)."""
        return self.key(f"done:{stage}")

    def guard_versions(self, stage: str) -> str:
        """Set of the code versions of a stage that have run (their guards are ``<version>:<id>``
        fields of ``done``), so that the archiver can drop the guards of entries it trims."""
        return self.key(f"done-versions:{stage}")

    def dlq(self, stage: str) -> str:
        """Dead-letter stream of a stage: entries it could not process, and those parked behind them."""
        return self.key(f"dlq:{stage}")

    def parked(self, stage: str) -> str:
        """Hash subject (article id) -> dead-letter id holding that article's later entries back."""
        return self.key(f"parked:{stage}")

    def order(self, stage: str, subject: str) -> str:
        """String: the last entry of an article a stage committed, and where its outputs went.

        ``<entry id>|<stream>|<output id>|...``, kept a day (``ORDER_TTL_S``): a commit of an older
        entry of the article arriving later re-appends these outputs after its own (commit.lua).
        """
        return self.key(f"order:{stage}:{subject}")

    def fingerprints(self) -> str:
        """Hash article-id:content-hash -> first submitted event id (exact-duplicate guard).

        It also marks each duplicate noted: field ``article-id:content-hash|event-id`` -> 1.
        """
        return self.key("ingest:fingerprints")

    def archived(self) -> str:
        """Hash stream short name -> last entry id in the archive (a copy of its manifests, for status)."""
        return self.key("archive:archived")

    def trimmed(self) -> str:
        """Hash stream short name -> MINID of the last trim: entries before it live only in the archive."""
        return self.key("archive:trimmed")

    def archive_lock(self) -> str:
        """String held by the one archiver pass at work on this partition (SET NX PX)."""
        return self.key("archive:lock")

    def projectors(self) -> str:
        """Hash projector id -> JSON {positions, ms}: where each live projector is (trim waits for it)."""
        return self.key("projectors")

    def all_streams(self) -> list[str]:
        return [self.stream(s) for s in LOG_STREAMS]

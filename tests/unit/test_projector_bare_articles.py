"""A bare article JSON added with XADD is a documented input: the projector counts it as a submission."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from services.common.committer import Outcome
from services.common.names import Names
from services.common.settings import Settings
from services.common.stage import StageContext, outcome_for
from services.common.worker import stage_context
from services.ingest.stage import STAGE as INGEST
from services.projector import audit, queries
from services.projector.entries import LogEntry, to_entry
from services.projector.store import ReadModelStore

NAMES = Names("bare")
ENTRY = "1795578863594-0"
ARTICLE = {"title": "Rates rise", "body": "The central bank raised rates by half a point on Tuesday."}


def fields(obj: object) -> dict[bytes, bytes]:
    return {b"event": orjson.dumps(obj)}


def ingested_by_the_stage(raw: dict[bytes, bytes]) -> list[LogEntry]:
    """What the real ingest stage appends for the entry, as the entries the projector will read."""
    ctx: StageContext = stage_context(INGEST, Settings(prefix=NAMES.prefix))
    outcome = outcome_for(INGEST, ctx, ENTRY, raw)
    assert isinstance(outcome, Outcome)
    return [
        LogEntry(stream.rsplit(":", 1)[1], f"1795578863600-{n}", e)
        for n, (stream, e) in enumerate(outcome.events)
    ]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ReadModelStore]:
    with ReadModelStore.open(tmp_path / "rm.sqlite") as opened:
        yield opened


def submitted(raw: dict[bytes, bytes]) -> LogEntry:
    entry = to_entry("submitted", ENTRY, raw, names=NAMES)
    assert isinstance(entry, LogEntry), entry
    return entry


def skipped(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    return [(s, r) for s, r in conn.execute("SELECT stream, reason FROM skipped")]


def test_a_bare_article_is_counted_as_a_submission_and_skips_nothing(store: ReadModelStore) -> None:
    """Counters equal the log: the bare article counts as article.submitted, and is not 'undecodable'."""
    raw = fields(ARTICLE)
    store.apply_batch([submitted(raw), *ingested_by_the_stage(raw)])
    counters = queries.counters(store.connection)
    assert (counters.get("article.submitted"), counters.get("article.ingested")) == (1, 1)
    assert skipped(store.connection) == []


def test_the_projector_derives_the_submission_ingest_derived(store: ReadModelStore) -> None:
    """Same event id and correlation as ingest's wrapping, and the entry's own time, so a rebuild agrees."""
    raw = fields(ARTICLE)
    entry = submitted(raw)
    (ingested,) = ingested_by_the_stage(raw)
    assert ingested.event.causationid == entry.event.id
    assert ingested.event.correlationid == entry.event.correlationid
    assert entry.event.time == "2026-11-25T03:54:23.594Z"
    assert submitted(raw) == entry, "deterministic: folding it again gives the same submission"


def test_lineage_of_a_bare_article_starts_at_its_submission(store: ReadModelStore) -> None:
    """`lineage` finds the cause of a hand-added article: a submission, not 'not in the read models'."""
    raw = fields(ARTICLE)
    ingested = ingested_by_the_stage(raw)
    store.apply_batch([submitted(raw), *ingested])
    tree = audit.lineage(store.connection, ingested[0].event.subject or "")
    assert tree is not None
    (root,) = tree.roots
    assert (root.type, root.note, root.time) == (
        "article.submitted",
        "Rates rise",
        "2026-11-25T03:54:23.594Z",
    )


def test_an_invalid_bare_article_is_skipped_for_its_field_like_an_invalid_envelope(
    store: ReadModelStore,
) -> None:
    """A bare object with a bad field is skipped as invalid_field, the reason a bad enveloped one gets."""
    store.apply_batch([submitted(fields({"title": 5}))])
    [(stream, reason)] = skipped(store.connection)
    assert stream == "submitted" and reason.startswith("invalid_field: ")


def test_garbage_on_the_submitted_stream_is_still_undecodable(store: ReadModelStore) -> None:
    """Only a JSON object is a bare article: other text stays undecodable with its reason."""
    entry = to_entry("submitted", ENTRY, {b"event": b"not json"}, names=NAMES)
    assert not isinstance(entry, LogEntry)
    assert entry.reason.startswith("malformed_json")


def test_a_bare_object_on_another_stream_is_not_read_as_a_submission() -> None:
    """Only the submitted stream takes bare articles; on an internal stream it is a bad envelope."""
    entry = to_entry("cleaned", ENTRY, fields(ARTICLE), names=NAMES)
    assert not isinstance(entry, LogEntry)
    assert entry.reason.startswith("bad_envelope")

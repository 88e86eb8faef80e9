"""The ingest worker's wiring under FastStream's TestRedisBroker: entries in, outcomes to the sink."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from pathlib import Path

import pytest
from faststream.redis import RedisBroker, TestRedisBroker

from services.common.committer import Outcome
from services.common.deadletter import Failure
from services.common.envelope import encode, make_event
from services.common.events.intake import ArticleDuplicateV1, ArticleSubmittedV1, RejectReason
from services.common.settings import Settings
from services.common.worker import build_broker
from services.ingest.stage import STAGE
from tests.schema_check import assert_valid

URL = "redis://localhost:1"  # never connected to: TestRedisBroker stands in for the server


class RecordingSink:
    """A sink that remembers every outcome and failure instead of committing it."""

    def __init__(self) -> None:
        self.outcomes: list[Outcome] = []
        self.failures: list[Failure] = []

    async def commit(self, outcomes: list[Outcome]) -> list[str]:
        self.outcomes.extend(outcomes)
        return ["new"] * len(outcomes)

    async def fail(self, failures: list[Failure]) -> int:
        self.failures.extend(failures)
        return 0

    async def fetch(self, entry_ids: list[str]) -> dict[str, Mapping[bytes, bytes]]:
        return {}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(REDIS_URL=URL, data_dir=tmp_path, prefix="c1", max_article_bytes=1024 * 1024)


@pytest.fixture
def sink() -> RecordingSink:
    return RecordingSink()


@pytest.fixture
async def broker(settings: Settings, sink: RecordingSink) -> AsyncIterator[RedisBroker]:
    async with TestRedisBroker(build_broker(URL, STAGE, settings, sink, consumer="c1")) as br:
        yield br


async def submit(broker: RedisBroker, settings: Settings, payload: bytes) -> None:
    await broker.publish(payload, stream=settings.names.input_stream("ingest"))


def submitted(**article: str) -> bytes:
    return encode(
        make_event(
            "article.submitted",
            ArticleSubmittedV1(**article),
            source="newsfacts/publish",
            stageversion="publish/test",
            subject=None,
            correlationid="corr-1",
            causationid=None,
        )
    )


async def test_bare_article_becomes_one_ingested_event_guarded_by_fingerprint(
    broker: RedisBroker, settings: Settings, sink: RecordingSink
) -> None:
    """A valid article yields one article.ingested on the ingested stream, guarded by its fingerprint."""
    await submit(broker, settings, b'{"title": "Rates rise", "body": "The bank raised rates."}')
    [outcome] = sink.outcomes
    [(stream, event)] = outcome.events
    assert stream == settings.names.stream("ingested")
    assert event.type == "article.ingested"
    assert outcome.guard.key == settings.names.fingerprints()
    assert outcome.guard.field == f"{event.data['article_id']}:{event.data['content_hash']}"
    [(dup_stream, duplicate)] = outcome.otherwise
    assert (dup_stream, duplicate.type) == (settings.names.stream("ingested"), "article.duplicate")
    assert_valid(event)
    assert_valid(duplicate)


async def test_publisher_envelope_is_accepted_and_keeps_its_correlation(
    broker: RedisBroker, settings: Settings, sink: RecordingSink
) -> None:
    """An article.submitted envelope is ingested with the publisher's correlation id carried on."""
    await submit(broker, settings, submitted(title="Rates rise", url="https://example.com/rates"))
    [outcome] = sink.outcomes
    [(_, event)] = outcome.events
    assert event.correlationid == "corr-1"
    assert event.data["url"] == "https://example.com/rates"
    assert_valid(event)


async def test_garbage_becomes_a_rejection_on_the_rejected_stream(
    broker: RedisBroker, settings: Settings, sink: RecordingSink
) -> None:
    """Input that is not JSON is recorded as article.rejected, with the raw bytes kept."""
    await submit(broker, settings, b"\x00 this is not an article")
    [outcome] = sink.outcomes
    [(stream, event)] = outcome.events
    assert stream == settings.names.stream("rejected")
    assert event.type == "article.rejected"
    assert event.data["reason"] == RejectReason.MALFORMED_JSON
    assert event.data["stage"] == "ingest"
    assert event.data["raw"] == "\x00 this is not an article"
    assert outcome.guard.key == settings.names.done("ingest")
    assert outcome.otherwise == ()
    assert_valid(event)


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b'{"title": 5}', RejectReason.INVALID_FIELD),
        (b'{"source": "Wire"}', RejectReason.MISSING_CONTENT),
        (b"[1, 2, 3]", RejectReason.NOT_AN_OBJECT),
        (b"x" * (1024 * 1024 + 1), RejectReason.TOO_LARGE),
    ],
)
async def test_every_fault_is_a_valid_rejection_with_its_reason(
    broker: RedisBroker, settings: Settings, sink: RecordingSink, payload: bytes, reason: RejectReason
) -> None:
    """Each kind of bad input is rejected with its reason, and the event matches its schema."""
    await submit(broker, settings, payload)
    [outcome] = sink.outcomes
    [(_, event)] = outcome.events
    assert event.data["reason"] == reason
    assert_valid(event)


async def test_exact_duplicates_share_a_guard_field_but_not_a_token(
    broker: RedisBroker, settings: Settings, sink: RecordingSink
) -> None:
    """Two submissions of the same article compete for one fingerprint; the commit decides which wins."""
    await submit(broker, settings, submitted(title="Rates rise", body="The bank raised rates."))
    await submit(broker, settings, submitted(title="Rates rise", body="The bank raised rates."))
    first, second = sink.outcomes
    assert first.guard.field == second.guard.field
    assert first.guard.token != second.guard.token


async def test_events_the_stage_does_not_handle_are_acknowledged_without_output(
    broker: RedisBroker, settings: Settings, sink: RecordingSink
) -> None:
    """An envelope of another type on the input stream is skipped: nothing appended, still committed."""
    other = make_event(
        "article.duplicate",
        ArticleDuplicateV1(article_id="a1", content_hash="c"),
        source="newsfacts/ingest",
        stageversion="ingest/test",
        subject="a1",
        correlationid="corr-1",
        causationid=None,
    )
    await submit(broker, settings, encode(other))
    [outcome] = sink.outcomes
    assert outcome.events == ()
    assert outcome.otherwise == ()

"""The committer on a real server: outputs appended and the input acknowledged in one atomic step."""

from __future__ import annotations

from collections import Counter

import orjson
import pytest
import redis.asyncio as aioredis

from services.common.committer import Committer, Guard, Outcome
from services.common.envelope import Envelope, decode, make_event
from services.common.events.intake import ArticleDuplicateV1
from services.common.names import EVENT_FIELD
from services.common.settings import Settings

pytestmark = pytest.mark.redis

GROUP = "ingest"


def fact(n: int = 0) -> Envelope:
    return make_event(
        "article.duplicate",
        ArticleDuplicateV1(article_id=f"a{n}", content_hash="c" * 64),
        source="newsfacts/test",
        stageversion="test/1",
        subject=f"a{n}",
        correlationid="corr",
        causationid=None,
    )


async def pending_input(redis: aioredis.Redis, settings: Settings, count: int = 1) -> tuple[str, list[str]]:
    """Given ``count`` entries on an input stream, delivered to a consumer and not yet acknowledged."""
    stream = settings.names.input_stream("ingest")
    await redis.xgroup_create(stream, GROUP, id="0", mkstream=True)
    for n in range(count):
        await redis.xadd(stream, {EVENT_FIELD: b"{}", "n": n})
    [[_, entries]] = await redis.xreadgroup(GROUP, "c1", {stream: ">"}, count=count)
    return stream, [eid.decode() for eid, _ in entries]


async def pending_count(redis: aioredis.Redis, stream: str) -> int:
    return int((await redis.xpending(stream, GROUP))["pending"])


async def test_outputs_are_appended_and_input_acknowledged_together(
    redis: aioredis.Redis, settings: Settings
) -> None:
    """After a commit the output is in its stream and the input is no longer pending."""
    stream, [entry] = await pending_input(redis, settings)
    output = settings.names.stream("ingested")
    event = fact()
    committer = Committer(redis, settings.names, "ingest")
    assert await pending_count(redis, stream) == 1

    stats = Counter(
        await committer.commit(
            [Outcome(entry, Guard(settings.names.done("ingest"), entry, entry), ((output, event),))]
        )
    )

    assert stats == Counter(new=1)
    assert await pending_count(redis, stream) == 0
    [(_, fields)] = await redis.xrange(output)
    assert decode(fields[EVENT_FIELD.encode()]) == event


async def test_redelivered_input_appends_nothing_the_second_time(
    redis: aioredis.Redis, settings: Settings
) -> None:
    """Committing the same outcome twice (a redelivery) appends once and still acknowledges."""
    stream, [entry] = await pending_input(redis, settings)
    output = settings.names.stream("ingested")
    outcome = Outcome(entry, Guard(settings.names.done("ingest"), f"v1:{entry}", entry), ((output, fact()),))
    committer = Committer(redis, settings.names, "ingest")

    assert Counter(await committer.commit([outcome])) == Counter(new=1)
    assert Counter(await committer.commit([outcome])) == Counter(already_done=1)

    assert await redis.xlen(output) == 1
    assert await pending_count(redis, stream) == 0


async def test_duplicate_appends_the_alternative_instead(redis: aioredis.Redis, settings: Settings) -> None:
    """Another token for an already-guarded field appends the ``otherwise`` events, not the primary ones."""
    stream, [first, second] = await pending_input(redis, settings, count=2)
    primary, alternative = settings.names.stream("ingested"), settings.names.stream("duplicates")
    fingerprints = settings.names.fingerprints()
    committer = Committer(redis, settings.names, "ingest")
    original = Outcome(
        first, Guard(fingerprints, "a1:hash", "event-1"), ((primary, fact(1)),), ((alternative, fact(2)),)
    )
    copy = Outcome(
        second, Guard(fingerprints, "a1:hash", "event-2"), ((primary, fact(3)),), ((alternative, fact(4)),)
    )

    assert Counter(await committer.commit([original, copy])) == Counter(new=1, duplicate=1)

    assert [decode(f[b"event"]).subject for _, f in await redis.xrange(primary)] == ["a1"]
    assert [decode(f[b"event"]).subject for _, f in await redis.xrange(alternative)] == ["a4"]
    assert await redis.hget(fingerprints, "a1:hash") == b"event-1"
    assert await pending_count(redis, stream) == 0


async def test_stream_entry_has_exactly_one_field_holding_the_envelope_json(
    redis: aioredis.Redis, settings: Settings
) -> None:
    """On the wire an entry is ``event`` -> the envelope as JSON text, readable with plain XRANGE."""
    _, [entry] = await pending_input(redis, settings)
    output = settings.names.stream("ingested")
    event = fact()
    await Committer(redis, settings.names, "ingest").commit(
        [Outcome(entry, Guard(settings.names.done("ingest"), entry, entry), ((output, event),))]
    )
    [(_, fields)] = await redis.xrange(output)
    assert list(fields) == [b"event"]
    assert orjson.loads(fields[b"event"]) == event.model_dump(mode="json")


async def test_one_commit_call_handles_a_batch_with_outputs_on_several_streams(
    redis: aioredis.Redis, settings: Settings
) -> None:
    """A batch of outcomes is committed in one call, each to its own streams, every input acknowledged."""
    stream, entries = await pending_input(redis, settings, count=3)
    names = settings.names
    outcomes = [
        Outcome(eid, Guard(names.done("ingest"), eid, eid), ((names.stream("ingested"), fact(n)),))
        for n, eid in enumerate(entries)
    ]
    split = Outcome(
        "",
        Guard(names.done("ingest"), "no-input", "x"),
        ((names.stream("ingested"), fact(7)), (names.stream("rejected"), fact(8))),
    )

    stats = Counter(await Committer(redis, settings.names, "ingest").commit([*outcomes, split]))

    assert stats == Counter(new=4)
    assert await redis.xlen(names.stream("ingested")) == 4
    assert await redis.xlen(names.stream("rejected")) == 1
    assert await pending_count(redis, stream) == 0


async def test_empty_batch_is_a_no_op(redis: aioredis.Redis, settings: Settings) -> None:
    """Nothing to commit sends nothing."""
    assert await Committer(redis, settings.names, "ingest").commit([]) == []


async def script_exists_calls(redis: aioredis.Redis) -> int:
    stats = await redis.info("commandstats")
    return int(stats.get("cmdstat_script|exists", {}).get("calls", 0))


async def test_a_server_that_forgot_the_script_still_commits_in_one_round_trip(
    redis: aioredis.Redis, settings: Settings
) -> None:
    """After SCRIPT FLUSH (as after a server restart) the batch is committed once the script is
    reloaded, and a commit never asks SCRIPT EXISTS first (that would be a second round trip)."""
    stream, entries = await pending_input(redis, settings, count=3)
    output = settings.names.stream("ingested")
    done = settings.names.done("ingest")
    outcomes = [Outcome(e, Guard(done, e, e), ((output, fact(n)),)) for n, e in enumerate(entries)]
    committer = Committer(redis, settings.names, "ingest")
    await redis.script_flush()
    asked = await script_exists_calls(redis)

    assert Counter(await committer.commit(outcomes[:2])) == Counter(new=2)
    assert Counter(await committer.commit(outcomes)) == Counter(already_done=2, new=1)

    assert await pending_count(redis, stream) == 0
    assert await redis.xlen(output) == 3
    assert await script_exists_calls(redis) == asked


def revision(n: int) -> Envelope:
    """Revision ``n`` of one article's fact (same subject, different event)."""
    return make_event(
        "article.duplicate",
        ArticleDuplicateV1(article_id="a", content_hash=f"{n}" * 64),
        source="newsfacts/test",
        stageversion="test/1",
        subject="a",
        correlationid=f"corr-{n}",
        causationid=None,
    )


async def output_events(redis: aioredis.Redis, stream: str) -> list[str]:
    return [decode(fields[EVENT_FIELD.encode()]).id for _, fields in await redis.xrange(stream)]


async def test_an_older_entry_committed_late_is_followed_by_the_newer_entrys_outputs_again(
    redis: aioredis.Redis, settings: Settings
) -> None:
    """Two consumers worked on an article's original and its correction at once and the correction
    committed first: after the original's outputs, the correction's are appended again, so the
    article's newest fact is the last one in the stream (what the projector keeps)."""
    _, [older, newer] = await pending_input(redis, settings, count=2)
    output = settings.names.stream("ingested")
    done = settings.names.done("ingest")
    original, correction = revision(1), revision(2)
    committer = Committer(redis, settings.names, "ingest")

    def outcome(entry: str, event: Envelope) -> Outcome:
        return Outcome(entry, Guard(done, entry, entry), ((output, event),), subject="a")

    assert await committer.commit([outcome(newer, correction)]) == ["new"]
    assert await committer.commit([outcome(older, original)]) == ["new"]

    assert await output_events(redis, output) == [correction.id, original.id, correction.id]


async def test_commits_in_order_append_each_output_once(redis: aioredis.Redis, settings: Settings) -> None:
    """The usual case: the older entry commits first, nothing is appended twice; a redelivery of the
    older one afterwards appends nothing either."""
    _, [older, newer] = await pending_input(redis, settings, count=2)
    output = settings.names.stream("ingested")
    done = settings.names.done("ingest")
    first, second = revision(1), revision(2)
    committer = Committer(redis, settings.names, "ingest")
    outcomes = [
        Outcome(older, Guard(done, older, older), ((output, first),), subject="a"),
        Outcome(newer, Guard(done, newer, newer), ((output, second),), subject="a"),
    ]

    assert await committer.commit(outcomes) == ["new", "new"]
    assert await committer.commit(outcomes[:1]) == ["already_done"]

    assert await output_events(redis, output) == [first.id, second.id]
    assert 0 < await redis.ttl(settings.names.order("ingest", "a")) <= 86_400


async def test_a_late_duplicate_notice_does_not_repeat_the_article(
    redis: aioredis.Redis, settings: Settings
) -> None:
    """An exact copy's notice committed after the article it copies appends only the notice."""
    _, [older, newer] = await pending_input(redis, settings, count=2)
    output = settings.names.stream("ingested")
    guard_key = settings.names.fingerprints()
    article, notice = revision(1), revision(9)
    committer = Committer(redis, settings.names, "ingest")

    def outcome(entry: str) -> Outcome:
        guard = Guard(guard_key, "a:hash", entry)  # one fingerprint: the first to commit wins
        return Outcome(entry, guard, ((output, article),), ((output, notice),), subject="a")

    assert await committer.commit([outcome(newer)]) == ["new"]
    assert await committer.commit([outcome(older)]) == ["duplicate"]

    assert await output_events(redis, output) == [article.id, notice.id]


@pytest.mark.parametrize(
    ("order", "statuses"),
    [
        ((0, 1, 2), ["new", "new", "reasserted"]),  # the original's facts came last: the repeat reasserts
        ((0, 2, 1), ["new", "already_done", "new"]),  # the repeat first: the late original puts it back
    ],
)
async def test_a_corrected_input_repeated_downstream_ends_last_in_either_order(
    redis: aioredis.Redis, settings: Settings, order: tuple[int, ...], statuses: list[str]
) -> None:
    """Downstream of a repair, the corrected input (entry 0) arrives again (entry 2), already done,
    with the original (entry 1) between them. Whichever order they commit in, the corrected facts
    end last, and a redelivery afterwards appends nothing."""
    _, entries = await pending_input(redis, settings, count=3)
    output = settings.names.stream("cleaned")
    done = settings.names.done("clean")
    corrected, original = revision(2), revision(1)
    inputs = [("corrected", corrected), ("original", original), ("corrected", corrected)]
    committer = Committer(redis, settings.names, "clean")

    def outcome(at: int) -> Outcome:
        field, event = inputs[at]
        return Outcome(entries[at], Guard(done, field, field), ((output, event),), subject="a")

    assert [status for at in order for status in await committer.commit([outcome(at)])] == statuses
    assert await output_events(redis, output) == [corrected.id, original.id, corrected.id]
    assert await committer.commit([outcome(2)]) == ["already_done"]
    assert await redis.xlen(output) == 3

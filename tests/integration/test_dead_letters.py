"""Dead letters on a real server: what a stage cannot process is set aside with its story, never lost.

An entry that keeps failing is retried ``max_deliveries`` times, then moved to the
stage's dead-letter stream; its article's later entries wait behind it (parked)
so that they cannot overtake it, and ``retry`` re-drives them all, in order, once
the cause is fixed. An unreadable event on an internal stream is a permanent
fault: dead-lettered at once. At ingest, unreadable input is the sender's fault
and becomes an ``article.rejected`` fact instead.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
import redis.asyncio as aioredis

from services.clean import stage as clean
from services.common.deadletter import DeadLetter, list_dead, retry
from services.common.envelope import Envelope, decode, encode, make_event, new_id
from services.common.events.intake import ArticleSubmittedV1
from services.common.names import EVENT_FIELD
from services.common.settings import Settings
from services.common.stage import Result, Stage, StageContext
from services.common.worker import worker_app
from services.ingest import stage as ingest
from services.ingest.logic import ingest as accept
from tests.support import cli_env, eventually, running

pytestmark = pytest.mark.redis

REPO = Path(__file__).resolve().parents[2]


class Poisoner:
    """The clean stage's logic, raising on chosen entries until healed: a hand-written fake."""

    def __init__(self) -> None:
        self.poisoned: dict[str, float] = {}  # event id -> failures left

    def poison(self, *events: Envelope, times: float = float("inf")) -> None:
        self.poisoned |= {e.id: times for e in events}

    def heal(self) -> None:
        self.poisoned.clear()

    def process(self, event: Envelope, ctx: StageContext) -> Result:
        if self.poisoned.get(event.id, 0) > 0:
            self.poisoned[event.id] -= 1
            raise RuntimeError(f"cannot clean {event.subject}: poisoned on purpose")
        return clean.process(event, ctx)


def fragile_clean(poisoner: Poisoner) -> Stage:
    """A clean stage at a version of its own whose logic is the poisoner's."""
    return Stage(
        name="clean", version="9.9.9", accepts=frozenset({"article.ingested"}), process=poisoner.process
    )


@pytest.fixture
def fragile(settings: Settings) -> Settings:
    """Two deliveries before a dead letter, and entries idle 100 ms are reclaimed: failures end fast."""
    return settings.model_copy(update={"max_deliveries": 2, "claim_idle_ms": 100})


def ingested(slug: str, body: str = "The council met on Monday and approved the budget.") -> Envelope:
    """An ``article.ingested`` event as ingest writes it; the same ``slug`` is the same article."""
    article = accept(
        ArticleSubmittedV1(title=f"Story {slug}", body=body, url=f"https://news.example.com/{slug}")
    )
    return make_event(
        "article.ingested",
        article,
        source="newsfacts/ingest",
        stageversion="ingest/1.0.0",
        subject=article.article_id,
        correlationid=new_id(),
        causationid=new_id(),
    )


async def feed(
    redis: aioredis.Redis, stream: str, *payloads: Envelope | bytes | dict[str, bytes]
) -> list[str]:
    """XADD each payload (an event, raw bytes as the event field, or whole fields); the entry ids."""
    ids = []
    for p in payloads:
        fields = p if isinstance(p, dict) else {EVENT_FIELD: encode(p) if isinstance(p, Envelope) else p}
        ids.append((await redis.xadd(stream, fields)).decode())
    return ids


async def events(redis: aioredis.Redis, stream: str) -> list[Envelope]:
    return [decode(fields[EVENT_FIELD.encode()]) for _, fields in await redis.xrange(stream)]


async def pending(redis: aioredis.Redis, settings: Settings, stage: str) -> int:
    return int((await redis.xpending(settings.names.input_stream(stage), stage))["pending"])


def drained(redis: aioredis.Redis, settings: Settings, stage: str) -> Callable[[], Awaitable[bool]]:
    """True once the stage's group has read every entry (lag 0) and settled each one (none pending)."""

    async def check() -> bool:
        groups = await redis.xinfo_groups(settings.names.input_stream(stage))
        return any(g["name"] == stage.encode() and g["lag"] == 0 and g["pending"] == 0 for g in groups)

    return check


def dead_count(redis: aioredis.Redis, settings: Settings, n: int) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return len(await list_dead(redis, settings.names)) == n

    return check


def cleaned_count(redis: aioredis.Redis, settings: Settings, n: int) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return int(await redis.xlen(settings.names.stream("cleaned"))) == n

    return check


async def test_an_entry_that_keeps_failing_is_dead_lettered_with_its_story(
    redis: aioredis.Redis, fragile: Settings
) -> None:
    """The poison entry ends dead after its retries, with reason, error, attempts and event; the rest flow."""
    poisoner = Poisoner()
    poison, first, second = ingested("poison"), ingested("first"), ingested("second")
    poisoner.poison(poison)
    [poison_entry, *_] = await feed(redis, fragile.names.input_stream("clean"), poison, first, second)

    async with running(worker_app(fragile_clean(poisoner), fragile, consumer="w")):
        await eventually(cleaned_count(redis, fragile, 2), "the two healthy articles cleaned")
        await eventually(dead_count(redis, fragile, 1), "the poison entry dead-lettered")

    [letter] = await list_dead(redis, fragile.names)
    assert (letter.stage, letter.status, letter.reason) == ("clean", "dead", "error")
    assert letter.error == f"RuntimeError: cannot clean {poison.subject}: poisoned on purpose"
    assert letter.attempts >= fragile.max_deliveries
    assert (letter.entry_id, letter.subject) == (poison_entry, poison.subject)
    assert decode(letter.event) == poison
    assert letter.key == f"clean/{letter.id}"
    assert [e.causationid for e in await events(redis, fragile.names.stream("cleaned"))] == [
        first.id,
        second.id,
    ]
    assert await pending(redis, fragile, "clean") == 0
    assert await redis.hgetall(fragile.names.parked("clean")) == {poison.subject.encode(): letter.id.encode()}


async def bury(redis: aioredis.Redis, settings: Settings, poisoner: Poisoner, *poisons: Envelope) -> None:
    """Given these entries dead-lettered by the fragile stage (the worker already running)."""
    poisoner.poison(*poisons)
    await feed(redis, settings.names.input_stream("clean"), *poisons)
    await eventually(dead_count(redis, settings, len(poisons)), f"{len(poisons)} dead letter(s)")


async def test_a_later_entry_of_a_dead_lettered_article_is_parked_behind_it(
    redis: aioredis.Redis, fragile: Settings
) -> None:
    """A newer version of the dead article waits in the dead-letter stream instead of overtaking it."""
    poisoner = Poisoner()
    poison, later = ingested("same"), ingested("same", body="Revised: the council rejected the budget.")
    assert later.subject == poison.subject and later.id != poison.id

    async with running(worker_app(fragile_clean(poisoner), fragile, consumer="w")):
        await bury(redis, fragile, poisoner, poison)
        [later_entry] = await feed(redis, fragile.names.input_stream("clean"), later)
        await eventually(dead_count(redis, fragile, 2), "the later entry parked")

    dead, parked = await list_dead(redis, fragile.names)
    assert (dead.status, parked.status, parked.reason) == ("dead", "parked", "parked")
    assert (parked.subject, parked.entry_id, decode(parked.event)) == (poison.subject, later_entry, later)
    assert await redis.xlen(fragile.names.stream("cleaned")) == 0
    assert await pending(redis, fragile, "clean") == 0


async def test_retry_redrives_the_dead_letter_and_what_waits_behind_it_in_order(
    redis: aioredis.Redis, fragile: Settings
) -> None:
    """Once fixed, a retry of the dead letter cleans it and then its parked successor; the queue empties."""
    poisoner = Poisoner()
    poison, later = ingested("same"), ingested("same", body="Revised: the council rejected the budget.")
    names = fragile.names

    async with running(worker_app(fragile_clean(poisoner), fragile, consumer="w")):
        await bury(redis, fragile, poisoner, poison)
        await feed(redis, names.input_stream("clean"), later)
        await eventually(dead_count(redis, fragile, 2), "the later entry parked")
        [dead, _] = await list_dead(redis, names)

        poisoner.heal()
        assert await retry(redis, names, dead.key) == 2
        await eventually(cleaned_count(redis, fragile, 2), "both entries cleaned")

    assert [e.causationid for e in await events(redis, names.stream("cleaned"))] == [poison.id, later.id]
    assert await list_dead(redis, names) == []
    assert await redis.exists(names.parked("clean")) == 0
    assert await pending(redis, fragile, "clean") == 0


async def test_a_later_entry_does_not_overtake_an_earlier_one_still_being_retried(
    redis: aioredis.Redis, fragile: Settings
) -> None:
    """An entry that fails once and then succeeds still yields its output before its article's next entry.

    The failure holds the article; the later entry waits in the dead-letter stream (parked) and is
    re-driven by the held entry's own commit, which also releases the article.
    """
    poisoner = Poisoner()
    earlier, later = ingested("same"), ingested("same", body="Revised: the council rejected the budget.")
    poisoner.poison(earlier, times=1)
    await feed(redis, fragile.names.input_stream("clean"), earlier, later)

    async with running(worker_app(fragile_clean(poisoner), fragile, consumer="w")):
        await eventually(cleaned_count(redis, fragile, 2), "both entries cleaned")

    assert [e.causationid for e in await events(redis, fragile.names.stream("cleaned"))] == [
        earlier.id,
        later.id,
    ]
    assert await list_dead(redis, fragile.names) == []
    assert await redis.exists(fragile.names.parked("clean")) == 0
    assert await pending(redis, fragile, "clean") == 0


async def test_retry_of_everything_redrives_every_dead_letter(
    redis: aioredis.Redis, fragile: Settings
) -> None:
    """``retry(..., None)`` re-drives the dead letters of every article at once."""
    poisoner = Poisoner()
    one, two = ingested("one"), ingested("two")
    names = fragile.names

    async with running(worker_app(fragile_clean(poisoner), fragile, consumer="w")):
        await bury(redis, fragile, poisoner, one, two)
        poisoner.heal()
        assert await retry(redis, names, None) == 2
        await eventually(cleaned_count(redis, fragile, 2), "both articles cleaned")

    assert sorted(e.causationid or "" for e in await events(redis, names.stream("cleaned"))) == sorted(
        [one.id, two.id]
    )
    assert await list_dead(redis, names) == []
    assert await redis.exists(names.parked("clean")) == 0


async def test_retry_of_an_unknown_dead_letter_raises_key_error(
    redis: aioredis.Redis, settings: Settings
) -> None:
    """Naming a dead letter that does not exist is an error, not a silent no-op."""
    with pytest.raises(KeyError):
        await retry(redis, settings.names, "clean/0-1")


def with_version(event: Envelope, version: int) -> bytes:
    wire = orjson.loads(encode(event))
    wire["dataschema"] = f"urn:newsfacts:schema:{event.type}:{version}"
    return orjson.dumps(wire)


def with_type(event: Envelope, event_type: str) -> bytes:
    wire = orjson.loads(encode(event))
    wire["type"] = event_type
    return orjson.dumps(wire)


async def test_unreadable_events_on_an_internal_stream_are_dead_lettered_at_once(
    redis: aioredis.Redis, settings: Settings
) -> None:
    """Garbage, a fieldless entry, an unknown type and a future version: dead on the first delivery."""
    names = settings.names
    unknown, future = ingested("unknown"), ingested("future")
    entries = await feed(
        redis,
        names.input_stream("clean"),
        b"{not json at all",
        {"article": b"an entry without the event field"},
        with_type(unknown, "article.exploded"),
        with_version(future, 99),
    )

    async with running(worker_app(clean.STAGE, settings, consumer="w")):
        await eventually(dead_count(redis, settings, 4), "four dead letters")

    letters = await list_dead(redis, names)
    assert [(d.entry_id, d.status, d.reason, d.attempts) for d in letters] == [
        (entries[0], "dead", "malformed_json", 1),
        (entries[1], "dead", "bad_envelope", 1),
        (entries[2], "dead", "unknown_event_type", 1),
        (entries[3], "dead", "unsupported_version", 1),
    ]
    assert [d.subject for d in letters] == ["", "", unknown.subject, future.subject]
    assert letters[0].event == b"{not json at all"
    assert "99" in letters[3].error
    assert await redis.xlen(names.stream("cleaned")) == 0
    assert await redis.xlen(names.stream("rejected")) == 0
    assert await pending(redis, settings, "clean") == 0


async def test_an_internal_event_over_the_size_limit_is_dead_lettered_at_once(
    redis: aioredis.Redis, settings: Settings
) -> None:
    """An ``article.ingested`` larger than NEWSFACTS_MAX_EVENT_BYTES is refused by clean, not processed:
    dead on the first delivery, with a reason that names the limit; one within it goes through."""
    names = settings.names
    small = settings.model_copy(update={"max_event_bytes": 64 * 1024})
    big = ingested("big", body="The council met on Monday. " * 4000)  # ~108 KB
    fits = ingested("fits")
    entries = await feed(redis, names.input_stream("clean"), big, fits)

    async with running(worker_app(clean.STAGE, small, consumer="w")):
        await eventually(dead_count(redis, settings, 1), "one dead letter")
        await eventually(cleaned_count(redis, settings, 1), "the small article cleaned")

    [letter] = await list_dead(redis, names)
    assert (letter.entry_id, letter.status, letter.reason, letter.attempts) == (
        entries[0],
        "dead",
        "too_large",
        1,
    )
    assert "limited to 65,536 (NEWSFACTS_MAX_EVENT_BYTES)" in letter.error
    assert letter.subject == ""  # refused before it is read: its article is not known
    assert [e.subject for e in await events(redis, names.stream("cleaned"))] == [fits.subject]


def submission(title: str) -> Envelope:
    return make_event(
        "article.submitted",
        ArticleSubmittedV1(title=title, body="A body."),
        source="newsfacts/publish",
        stageversion="publish/test",
        subject=None,
        correlationid=new_id(),
        causationid=None,
    )


async def test_ingest_records_unreadable_input_as_rejected_not_dead_lettered(
    redis: aioredis.Redis, settings: Settings
) -> None:
    """At the door the input is the sender's: garbage, unknown types and future versions become rejections."""
    names = settings.names
    await feed(
        redis,
        names.input_stream("ingest"),
        b"{not json at all",
        with_type(submission("Unknown"), "article.exploded"),
        with_version(submission("From the future"), 99),
    )

    async with running(worker_app(ingest.STAGE, settings, consumer="w")):
        await eventually(drained(redis, settings, "ingest"), "ingest to handle all three entries")

    rejected = await events(redis, names.stream("rejected"))
    assert [e.data["reason"] for e in rejected] == [
        "malformed_json",
        "unknown_event_type",
        "unsupported_version",
    ]
    assert await redis.xlen(names.stream("ingested")) == 0
    assert await list_dead(redis, names) == []
    assert await pending(redis, settings, "ingest") == 0


# --- the command line -------------------------------------------------------------------------------------


async def newsfacts(settings: Settings, *args: str) -> tuple[int, str, str]:
    """Run ``newsfacts ARGS`` as a user would; its exit code, stdout and stderr."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "services.cli", *args,
        env=cli_env(settings, NEWSFACTS_LOG_LEVEL="warning"), cwd=REPO,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), timeout=30)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


async def garbage_dead_letters(redis: aioredis.Redis, settings: Settings, *raws: bytes) -> list[DeadLetter]:
    """Given these raw entries on clean's input, dead-lettered by the real clean stage."""
    await feed(redis, settings.names.input_stream("clean"), *raws)
    async with running(worker_app(clean.STAGE, settings, consumer="w")):
        await eventually(dead_count(redis, settings, len(raws)), "the dead letters")
    return await list_dead(redis, settings.names)


async def test_dlq_list_and_show_print_dead_letters_as_json(
    redis: aioredis.Redis, settings: Settings
) -> None:
    """``dlq list --json`` lists every dead letter; ``dlq show KEY --json`` adds the original event."""
    first, second = await garbage_dead_letters(redis, settings, b"{broken one", b"{broken two")

    (code, out, err), (show_code, shown, _) = await asyncio.gather(
        newsfacts(settings, "dlq", "list", "--json"), newsfacts(settings, "dlq", "show", second.key, "--json")
    )

    assert code == 0, err
    listed: list[dict[str, Any]] = orjson.loads(out)
    assert [(d["key"], d["stage"], d["status"], d["reason"], d["attempts"]) for d in listed] == [
        (first.key, "clean", "dead", "malformed_json", 1),
        (second.key, "clean", "dead", "malformed_json", 1),
    ]
    assert "event" not in listed[0]
    assert show_code == 0
    detail = orjson.loads(shown)
    assert (detail["key"], detail["entry_id"], detail["event"]) == (
        second.key,
        second.entry_id,
        "{broken two",
    )


async def test_dlq_retry_redrives_one_dead_letter_by_key_then_all(
    redis: aioredis.Redis, settings: Settings
) -> None:
    """``dlq retry KEY`` puts that entry back on its stage's input; ``dlq retry --all`` the rest."""
    names = settings.names
    first, _ = await garbage_dead_letters(redis, settings, b"{broken one", b"{broken two")
    before = int(await redis.xlen(names.input_stream("clean")))

    code, out, err = await newsfacts(settings, "dlq", "retry", first.key)
    assert (code, out.strip()) == (0, "re-drove 1 entry into their stage's input stream"), err
    assert [d.event for d in await list_dead(redis, names)] == [b"{broken two"]

    code, out, err = await newsfacts(settings, "dlq", "retry", "--all")
    assert (code, out.strip()) == (0, "re-drove 1 entry into their stage's input stream"), err
    assert await list_dead(redis, names) == []
    redriven = (await redis.xrange(names.input_stream("clean")))[before:]
    assert [f[EVENT_FIELD.encode()] for _, f in redriven] == [b"{broken one", b"{broken two"]


async def test_dlq_refuses_a_retry_without_target_and_shows_no_unknown_id(settings: Settings) -> None:
    """``dlq retry`` with no id exits 2 (usage); showing an id that is not there exits 1."""
    (no_target, _, why), (unknown, _, missing) = await asyncio.gather(
        newsfacts(settings, "dlq", "retry"), newsfacts(settings, "dlq", "show", "nosuch")
    )

    assert no_target == 2
    assert "one dead-letter ID or --all" in why
    assert unknown == 1
    assert "no dead letter 'nosuch'" in missing

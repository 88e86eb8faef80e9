"""The whole pipeline on a real server: five stage workers and the projector, fed the seeds and bad input.

One module-scoped run publishes the seeds plus two bad inputs, waits until the
read models show an outcome for every submission, snapshots the log and the
consumer groups, and stops. Each test then states one property of that run.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
import uuid
from collections import Counter
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest
import redis.asyncio as aioredis

from services.common.envelope import Envelope, decode
from services.common.names import EVENT_FIELD, LOG_STREAMS, STAGE_INPUT, STAGES
from services.common.rejection import Rejection
from services.common.settings import Settings
from services.common.topology import ensure_topology
from services.common.worker import worker_app
from services.projector import queries
from services.projector.app import projector_app
from services.publish.publisher import PublishReport, publish
from services.publish.sources import Item, read_paths
from services.stages import STAGES as STAGE_DEFS
from tests.schema_check import assert_valid
from tests.support import running

pytestmark = pytest.mark.redis

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
#: Inputs ingest must reject: bytes that are not JSON text, and an object with nothing to read.
GARBAGE = Item("bad:garbage", None, b"\x89PNG\r\n\x1a\n\x00\xff not an article")
EMPTY = Item("bad:empty", {"url": "https://example.com/nothing"}, b'{"url": "https://example.com/nothing"}')
BAD_INPUTS = (GARBAGE, EMPTY)
#: Items in seeds/: the full article and seventeen headlines.
SEED_ITEMS = 18
#: Stage facts every accepted article gets, in pipeline order, after its submission.
CHAIN = tuple(
    f"article.{fact}" for fact in ("submitted", "ingested", "cleaned", "classified", "enriched", "indexed")
)
WITHIN_S = 60.0  # a guard against a hang; the run takes about 4 s on a quiet machine


@dataclass(frozen=True)
class Run:
    """What one pipeline run left behind: the publish report, the log, the groups, the read models."""

    settings: Settings
    report: PublishReport
    log: dict[str, list[tuple[bytes, dict[bytes, bytes]]]]
    groups: dict[str, list[dict[str, Any]]]
    dead_letters: dict[str, int]

    def events(self, short: str | None = None) -> list[Envelope]:
        """Decoded events of one log stream, or of all of them, skipping entries that are not events."""
        streams = [short] if short else list(LOG_STREAMS)
        found = []
        for name in streams:
            for _, fields in self.log[name]:
                try:
                    found.append(decode(fields[EVENT_FIELD.encode()]))
                except Rejection:  # the raw bad inputs in 'submitted' are not events
                    continue
        return found

    def connect(self) -> closing[sqlite3.Connection]:
        """A read-only connection to the run's read models."""
        return closing(queries.connect_readonly(self.settings.readmodel_path))


def finished(settings: Settings, report: PublishReport, rejected: int) -> bool:
    """True once every valid submission has an outcome and every bad one is recorded as rejected."""
    if not settings.readmodel_path.exists():
        return False
    with closing(queries.connect_readonly(settings.readmodel_path)) as conn:
        ended = queries.outcomes(conn, report.correlation_ids)
        refused = queries.counters(conn).get("article.rejected", 0)
    return ended == len(report.correlation_ids) and refused == rejected


async def run_pipeline(settings: Settings) -> Run:
    """Publish the seeds and the bad inputs through every worker; snapshot the log once all is projected."""
    url = settings.redis_url.get_secret_value() if settings.redis_url else ""
    client = aioredis.Redis.from_url(url)
    try:
        await ensure_topology(client, settings.names)
        items = [*read_paths([str(SEEDS)]), *BAD_INPUTS]
        apps = [worker_app(stage, settings, consumer="w") for stage in STAGE_DEFS.values()]
        async with running(*apps, projector_app(settings)):
            report = await publish(client, settings.names, items)
            deadline = time.monotonic() + WITHIN_S
            while not finished(settings, report, rejected=len(BAD_INPUTS)):
                assert time.monotonic() < deadline, f"the read models did not show all items in {WITHIN_S}s"
                await asyncio.sleep(0.05)
        names = settings.names
        log = {short: await client.xrange(names.stream(short)) for short in LOG_STREAMS}
        groups: dict[str, list[dict[str, Any]]] = {}
        for stage in STAGES:
            stream = names.input_stream(stage)
            groups[stage] = [
                {**info, "pending_range": await client.xpending_range(stream, info["name"], "-", "+", 10)}
                for info in await client.xinfo_groups(stream)
            ]
        dead_letters = {stage: int(await client.xlen(names.dlq(stage))) for stage in STAGES}
        return Run(settings, report, log, groups, dead_letters)
    finally:
        keys = [k async for k in client.scan_iter(match=f"{settings.prefix}:*", count=1000)]
        if keys:
            await client.delete(*keys)
        await client.aclose()


@pytest.fixture(scope="module")
def run(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Run:
    """One run of the whole pipeline on the seeds, shared by this module's tests."""
    settings = Settings(
        REDIS_URL=redis_url,
        data_dir=tmp_path_factory.mktemp("pipeline"),
        prefix=f"t{uuid.uuid4().hex[:12]}",
        block_ms=20,
        claim_idle_ms=1000,
    )
    return asyncio.run(run_pipeline(settings))


@pytest.fixture(scope="module")
def seed_article_id(run: Run) -> str:
    """The article id ingest gave the seed article (the first item published)."""
    submission = run.report.event_ids[0]
    [ingested] = [e for e in run.events("ingested") if e.causationid == submission]
    assert ingested.subject is not None
    return ingested.subject


def test_every_submission_ends_indexed_and_every_bad_input_rejected(run: Run) -> None:
    """The 18 seeds are indexed; the garbage and the empty article are rejected at ingest, with reasons."""
    assert len(run.report.correlation_ids) == SEED_ITEMS + 1, "the empty article is a valid submission"
    assert [origin for origin, _ in run.report.warnings] == ["bad:garbage"]
    with run.connect() as conn:
        ended = conn.execute("SELECT outcome, count(*) FROM outcomes GROUP BY outcome").fetchall()
    assert dict(ended) == {"indexed": SEED_ITEMS, "rejected": 2}
    rejected = run.events("rejected")
    assert {(e.data["stage"], e.data["reason"]) for e in rejected} == {
        ("ingest", "not_utf8"),
        ("ingest", "missing_content"),
    }


def test_every_log_entry_is_one_event_field_holding_a_schema_valid_event(run: Run) -> None:
    """Every entry the stages wrote has exactly the field 'event', and the event matches its schema."""
    checked = 0
    for short, entries in run.log.items():
        for entry_id, fields in entries:
            assert list(fields) == [EVENT_FIELD.encode()], f"{short} {entry_id!r} has fields {list(fields)}"
            if short == "submitted" and fields[EVENT_FIELD.encode()] == GARBAGE.raw:
                continue  # published raw on purpose, so that ingest records it
            assert_valid(decode(fields[EVENT_FIELD.encode()]))
            checked += 1
    assert checked == SEED_ITEMS * len(CHAIN) + 1 + len(BAD_INPUTS), "seeds, the empty article, 2 rejections"


def test_each_article_has_one_fact_per_stage_each_caused_by_the_one_before(run: Run) -> None:
    """Per submission: exactly one event of each kind, each caused by the previous one, one correlation id."""
    by_id = {e.id: e for e in run.events()}
    indexed = run.events("indexed")
    assert len(indexed) == SEED_ITEMS
    for last in indexed:
        chain = [last]
        while chain[-1].causationid is not None:
            chain.append(by_id[chain[-1].causationid])
        chain.reverse()
        assert [e.type for e in chain] == list(CHAIN)
        assert {e.correlationid for e in chain} == {chain[0].correlationid}
        assert {e.subject for e in chain[1:]} == {last.subject}
    per_article = Counter((e.subject, e.type) for e in run.events() if e.type in CHAIN[1:])
    assert len(per_article) == SEED_ITEMS * (len(CHAIN) - 1)
    assert set(per_article.values()) == {1}


@pytest.mark.parametrize(
    "name",
    [
        "Xiaomi", "Tesla", "BYD", "Nio", "Xpeng", "Baidu", "Reuters", "CNBC", "Weibo",
        "Lei Jun", "Zang Ziyuan", "Elon Musk", "China", "Hong Kong",
    ],
)  # fmt: skip
def test_each_entity_of_the_seed_article_has_a_page_listing_it(
    run: Run, seed_article_id: str, name: str
) -> None:
    """The spec's entities of the seed article are found by name and their page lists the article."""
    with run.connect() as conn:
        page = queries.entity(conn, name)
        view = queries.article(conn, seed_article_id)
    assert page is not None, f"no entity {name!r}"
    assert page.name == name
    assert seed_article_id in {a.article_id for a in page.articles}
    assert view is not None
    assert name in {e.name for e in view.entities}


def test_the_seed_article_has_its_amounts_and_first_topic(run: Run, seed_article_id: str) -> None:
    """$10 billion is 1e10 USD, 'five percent' is 5.0, the first topic economy, business and finance."""
    with run.connect() as conn:
        view = queries.article(conn, seed_article_id)
    assert view is not None
    assert {(m["text"], m["value"], m["currency"]) for m in view.money} == {("$10 billion", 1e10, "USD")}
    assert {(p["text"], p["value"]) for p in view.percentages} == {("five percent", 5.0)}
    assert view.topics[0].label == "economy, business and finance"
    assert [s.stage for s in sorted(view.lineage, key=lambda s: STAGES.index(s.stage))] == list(STAGES)


def test_searching_xiaomi_ranks_the_seed_article_first(run: Run, seed_article_id: str) -> None:
    """Full-text search for 'Xiaomi' returns the seed article as its best hit."""
    with run.connect() as conn:
        hits = queries.search(conn, "Xiaomi")
    assert hits, "no hit for Xiaomi"
    assert hits[0].article_id == seed_article_id


def test_counters_equal_the_events_in_the_log(run: Run) -> None:
    """Each event type is counted once per event in the log; the raw garbage counts as skipped."""
    in_log = Counter(e.type for e in run.events())
    in_log.update(f"rejected:{e.data['reason']}" for e in run.events("rejected"))
    in_log["skipped"] = 1  # the garbage: published raw, it is no event
    with run.connect() as conn:
        counted = queries.counters(conn)
        skipped = conn.execute("SELECT stream, event_id, reason FROM skipped").fetchall()
    assert counted == dict(in_log)
    [(stream, event_id, reason)] = skipped
    assert (stream, event_id) == ("submitted", None)
    assert reason.startswith("undecodable: not_utf8")


def test_every_consumer_group_is_drained_and_nothing_is_dead_lettered(run: Run) -> None:
    """Once everything is projected, no stage group has pending entries or lag, and no dead letter exists."""
    for stage in STAGES:
        [group] = run.groups[stage]
        assert group["name"] == stage.encode()
        assert (group["pending"], group["lag"], group["pending_range"]) == (0, 0, []), stage
        assert group["last-delivered-id"] == run.log[STAGE_INPUT[stage]][-1][0], stage
    assert run.dead_letters == dict.fromkeys(STAGES, 0)


def test_the_submitted_stream_holds_what_was_published_in_order(run: Run) -> None:
    """The publish report's event ids are the submissions in the log, in order, the garbage among them raw."""
    assert [e.id for e in run.events("submitted")] == run.report.event_ids
    raws = [fields[EVENT_FIELD.encode()] for _, fields in run.log["submitted"]]
    assert raws[SEED_ITEMS] == GARBAGE.raw
    first, last = orjson.loads(raws[0]), orjson.loads(raws[-1])
    assert first["data"]["body"].startswith("Xiaomi Corp.")
    assert (last["type"], last["data"]["url"]) == ("article.submitted", "https://example.com/nothing")

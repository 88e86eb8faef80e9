"""A log recorded before article.classified v2 replays into today's read models. No server needed.

``tests/fixtures/log_v1.jsonl`` was written by the v1 code (see ``tests/fixtures/README.md``)
and is never regenerated: it stands for every old log in production.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from services.classify import VERSION as CLASSIFY_VERSION
from services.common.envelope import Envelope, decode, encode, read_as
from services.common.events.facts import ArticleClassifiedV1, ArticleClassifiedV2
from services.projector import queries
from services.projector.entries import LogEntry
from services.projector.store import ReadModelStore
from services.stages import run_inline

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "log_v1.jsonl"
#: A seed headline the fixture does not have, run through today's pipeline.
NEW_HEADLINE = "Bank of Japan Signals Readiness for Near-Term Rate Hike as Inflation Nears Target"


def _log() -> list[LogEntry]:
    """The fixture's entries, decoded as the projector decodes stream entries."""
    entries = []
    for line in FIXTURE.read_bytes().splitlines():
        obj = orjson.loads(line)
        entries.append(LogEntry(obj["stream"], obj["id"], decode(orjson.dumps(obj["event"]))))
    return entries


LOG = _log()
V1_CLASSIFIED = {
    e.event.subject: read_as(e.event, ArticleClassifiedV2)
    for e in LOG
    if e.event.type == "article.classified"
}


def _v1_topics(event: Envelope) -> list[tuple[str, str, float]]:
    """Topics exactly as the v1 event wrote them, read with the frozen v1 model."""
    written = ArticleClassifiedV1.model_validate(event.data)
    return [(t.code, t.label, t.score) for t in written.topics]


def _later(entries: list[Envelope], streams: dict[str, str]) -> list[LogEntry]:
    """Entries appended after the fixture's last one, as XADD would number them."""
    last = max(int(e.entry_id.partition("-")[0]) for e in LOG)
    return [LogEntry(streams[ev.type], f"{last + n}-0", ev) for n, ev in enumerate(entries, 1)]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ReadModelStore]:
    with ReadModelStore.open(tmp_path / "readmodels.db") as opened:
        yield opened


def _indexed_ids() -> list[str]:
    return [e.event.subject for e in LOG if e.event.type == "article.indexed" and e.event.subject]


def test_the_fixture_is_a_whole_v1_log() -> None:
    """Every event is v1 and every stage, a duplicate and a rejection are there: the log stays as recorded."""
    assert {e.event.dataschema.rsplit(":", 1)[1] for e in LOG} == {"1"}
    types = Counter(e.event.type for e in LOG)
    assert types["article.indexed"] == types["article.classified"] == 5
    assert types["article.duplicate"] == types["article.rejected"] == 1
    assert {e.event.stageversion for e in LOG if e.event.type == "article.classified"} == {"classify/1.0.0"}
    ids = [tuple(map(int, e.entry_id.split("-"))) for e in LOG]
    assert ids == sorted(set(ids))


def test_a_v1_log_replays_into_the_current_read_models(store: ReadModelStore) -> None:
    """Given the v1 log, when a fresh store applies it, then every event applies and nothing is skipped."""
    assert store.apply_batch(LOG) == len(LOG)
    counters = queries.counters(store.connection)
    assert "skipped" not in counters
    assert {k: v for k, v in counters.items() if k.startswith("article.")} == dict(
        Counter(e.event.type for e in LOG)
    )
    assert counters["rejected:empty_text"] == 1


def test_replayed_articles_have_their_v1_topics_and_entities(store: ReadModelStore) -> None:
    """Each indexed article keeps the topics its v1 event gave, and the enriched entities."""
    store.apply_batch(LOG)
    for entry in LOG:
        if entry.event.type != "article.classified":
            continue
        view = queries.article(store.connection, entry.event.subject or "")
        assert view is not None
        assert [(t.code, t.label, t.score) for t in view.topics] == _v1_topics(entry.event)
        assert view.topics, f"{view.title} has no topics"
    seed = next(e.event.subject for e in LOG if e.event.type == "article.cleaned")
    view = queries.article(store.connection, seed or "")
    assert view is not None
    assert view.topics[0].label == "economy, business and finance"
    assert "org:xiaomi" in {e.id for e in view.entities}
    assert {s.stage: s.stageversion for s in view.lineage}["classify"] == "classify/1.0.0"


def test_replayed_articles_are_searchable_and_counted(store: ReadModelStore) -> None:
    """Search, entity pages, topic counts, the duplicate and the rejection all come out of the old log."""
    store.apply_batch(LOG)
    conn = store.connection
    assert queries.search(conn, "Xiaomi electric")[0].title.startswith("Xiaomi")
    assert "Semaglutide" in queries.search(conn, "semaglutide")[0].title
    page = queries.entity(conn, "Xiaomi")
    assert page is not None and page.article_count == 1
    counts = {t.label: t.articles for t in queries.topics(conn)}
    assert counts["economy, business and finance"] >= 3
    assert counts["crime, law and justice"] == counts["health"] == 1
    duplicated = next(e.event for e in LOG if e.event.type == "article.duplicate").subject
    view = queries.article(conn, duplicated or "")
    assert view is not None and view.duplicates == 1


def test_v1_and_v2_classified_events_for_different_articles_mix(store: ReadModelStore) -> None:
    """An old v1 log and today's v2 events for a new article make one consistent read model."""
    run = run_inline(orjson.dumps({"title": NEW_HEADLINE, "source": "seed-headlines"}))
    assert run.rejected is None
    streams = {e.event.type: e.stream for e in LOG}
    new = _later(run.events, streams)
    store.apply_batch([*LOG, *new])

    classified = next(e.event for e in new if e.event.type == "article.classified")
    assert classified.dataschema.endswith(":2") and classified.stageversion == f"classify/{CLASSIFY_VERSION}"
    v2 = read_as(classified, ArticleClassifiedV2)
    assert all(t.evidence for t in v2.topics)
    assert all(not t.evidence for data in V1_CLASSIFIED.values() for t in data.topics)

    conn = store.connection
    view = queries.article(conn, classified.subject or "")
    assert view is not None
    assert [(t.code, t.score) for t in view.topics] == [(t.code, t.score) for t in v2.topics]
    assert queries.search(conn, "Bank of Japan rate hike")[0].article_id == classified.subject
    assert sum(t.articles for t in queries.topics(conn)) == sum(
        len(d.topics) for d in V1_CLASSIFIED.values()
    ) + len(v2.topics)
    assert "skipped" not in queries.counters(conn)


def test_a_v2_event_from_a_newer_classify_supersedes_the_v1_one(store: ReadModelStore) -> None:
    """Reprocessing an old article with today's classify replaces its v1 topics with v2 ones."""
    store.apply_batch(LOG)
    submitted = next(e.event for e in LOG if e.event.type == "article.submitted")
    run = run_inline(encode(submitted))
    classified = next(e for e in run.events if e.type == "article.classified")
    article_id = classified.subject or ""
    store.apply_batch(_later([classified], {"article.classified": "classified"}))

    view = queries.article(store.connection, article_id)
    assert view is not None
    assert {s.stage: s.stageversion for s in view.lineage}["classify"] == f"classify/{CLASSIFY_VERSION}"
    v2 = read_as(classified, ArticleClassifiedV2)
    assert [(t.code, t.score) for t in view.topics] == [(t.code, t.score) for t in v2.topics]
    assert article_id in _indexed_ids()

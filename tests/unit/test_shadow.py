"""Shadow generations: stages run in-process into a copy of the read models, and the diff against live."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import orjson

from services.common.envelope import Envelope
from services.common.events.facts import Entity, Topic
from services.common.events.intake import RejectReason
from services.common.names import Names
from services.common.rejection import Rejection
from services.common.stage import Result, StageContext
from services.projector import queries
from services.projector.entries import entry_key
from services.projector.store import ReadModelStore
from services.projector.synthetic import ArticleSpec, LogBuilder, article_events
from services.replay import diff
from services.replay.shadow import ShadowStore, run_chain
from services.stages import STAGES, run_inline

ECONOMY = Topic(code="medtop:04000000", label="economy, business and finance", score=0.9)
SPORT = Topic(code="medtop:15000000", label="sport", score=0.7)
POLITICS = Topic(code="medtop:11000000", label="politics", score=0.5)
NAMES = Names("shadow")
TEXT = "Xiaomi Corp. said on Thursday it would spend $10 billion on electric cars, Lei Jun told investors."


def _org(name: str) -> Entity:
    return Entity(id=f"org:{name.lower()}", name=name, type="organization", mentions=1, surface_forms=[name],
                  first_offset=0)  # fmt: skip


def _store(path: Path, *specs: ArticleSpec) -> ReadModelStore:
    store = ReadModelStore.open(path)
    log = LogBuilder()
    for spec in specs:
        store.apply_batch(log.entries(article_events(spec)))
    return store


def _cleaned() -> Envelope:
    raw = orjson.dumps({"title": "Xiaomi bets on cars", "body": TEXT})
    return next(e for e in run_inline(raw, NAMES).events if e.type == "article.cleaned")


def test_the_diff_counts_every_kind_of_change(tmp_path: Path) -> None:
    """Topics added, removed, reordered and entities added, removed are each counted and listed."""
    before = ArticleSpec("a1", "T", "Text.", (ECONOMY, SPORT), (_org("Xiaomi"), _org("Tesla")))
    after = ArticleSpec("a1", "T", "Text.", (SPORT, ECONOMY, POLITICS), (_org("Xiaomi"), _org("Nio")))
    same = ArticleSpec("a2", "U", "Other.", (ECONOMY,), ())
    with (
        _store(tmp_path / "live.db", before, same) as live,
        _store(tmp_path / "shadow.db", after, same) as shadow,
    ):
        changes = diff.compare(live.connection, shadow.connection, ["a1", "a2"])
    assert (changes.compared, changes.changed) == (2, 1)
    assert changes.kinds == {
        "topic_added": 1, "topic_removed": 0, "topic_reordered": 1, "entity_added": 1, "entity_removed": 1,
    }  # fmt: skip
    [change] = changes.articles
    assert (change.topics_added, change.entities_added, change.entities_removed) == (
        ("politics",),
        ("Nio",),
        ("Tesla",),
    )
    assert "1 of 2 article(s) would change" in diff.render(changes)


def test_a_topic_dropped_from_the_middle_is_not_a_reordering(tmp_path: Path) -> None:
    """Only the relative order of the topics both sides have counts as reordering."""
    before = ArticleSpec("a1", "T", "Text.", (ECONOMY, SPORT, POLITICS))
    after = ArticleSpec("a1", "T", "Text.", (ECONOMY, POLITICS))
    with _store(tmp_path / "live.db", before) as live, _store(tmp_path / "shadow.db", after) as shadow:
        changes = diff.compare(live.connection, shadow.connection, ["a1"])
    assert (changes.kinds["topic_removed"], changes.kinds["topic_reordered"]) == (1, 0)


def test_run_chain_runs_the_stage_and_every_stage_after_it() -> None:
    """From a cleaned event, classify, enrich and index each make their fact, with their versions."""
    bumped = dataclasses.replace(STAGES["classify"], version="9.0.0")
    facts = run_chain([bumped, STAGES["enrich"], STAGES["index"]], NAMES, _cleaned(), "1-0")
    assert [(stream, e.type) for stream, e in facts] == [
        ("classified", "article.classified"),
        ("enriched", "article.enriched"),
        ("indexed", "article.indexed"),
    ]
    assert facts[0][1].stageversion == "classify/9.0.0"


def _refuse(event: Envelope, ctx: StageContext) -> Result:
    raise Rejection(RejectReason.EMPTY_TEXT, "nothing to classify")


def test_run_chain_stops_at_a_rejection() -> None:
    """An input a stage refuses becomes one article.rejected fact, and later stages do not run."""
    refusing = dataclasses.replace(STAGES["classify"], process=_refuse)
    facts = run_chain([refusing, STAGES["enrich"]], NAMES, _cleaned(), "1-0")
    [(stream, rejected)] = facts
    assert (stream, rejected.type, rejected.data["reason"]) == ("rejected", "article.rejected", "empty_text")


def test_a_shadow_store_is_a_copy_with_new_facts_past_every_position(tmp_path: Path) -> None:
    """The live store is untouched; the copy shows the new facts, applied after every live position."""
    live = _store(tmp_path / "live.db", ArticleSpec("a1", "T", "Text.", (ECONOMY,)))
    live_sum, live_positions = live.checksum(), live.positions()
    live.close()
    reclassified = ArticleSpec("a1", "T", "Text.", (SPORT,))
    newer = [(s, e) for s, e in article_events(reclassified, version="2.0.0") if s == "classified"]
    shadow = ShadowStore(tmp_path / "live.db", tmp_path / "shadow.db")
    try:
        shadow.apply(newer)
        shadow.settle()
        view = queries.article(shadow.store.connection, "a1")
        positions = shadow.store.positions()
    finally:
        shadow.close()
    assert view is not None
    assert [t.code for t in view.topics] == [SPORT.code]
    assert entry_key(positions["classified"]) > entry_key(live_positions["classified"])
    with ReadModelStore.open(tmp_path / "live.db") as again:
        assert again.checksum() == live_sum

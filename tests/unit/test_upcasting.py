"""Schema evolution: old versions are upcast on read, the current one written, published schemas frozen."""

from __future__ import annotations

import copy
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from services.classify.lexicon import lexicon
from services.classify.logic import MAX_EVIDENCE, classify
from services.classify.stage import STAGE as CLASSIFY
from services.common.envelope import Envelope, make_event, read_as, read_data, schema_urn
from services.common.events import CURRENT, REGISTRY
from services.common.events.facts import (
    ArticleClassifiedV1,
    ArticleClassifiedV2,
    ArticleCleanedV1,
    ArticleEnrichedV1,
    ArticleEnrichedV2,
    ArticleEnrichedV3,
    CleanArticle,
    Topic,
    TopicV2,
)
from services.common.events.intake import RejectReason
from services.common.events.schemas import (
    MANIFEST,
    PublishedSchemaChanged,
    digest,
    read_manifest,
    render_manifest,
    write,
)
from services.common.events.upcasters import (
    ENRICHED_V2_METHOD,
    UPCASTERS,
    MissingUpcaster,
    classified_v1_to_v2,
    gaps,
)
from services.common.names import Names
from services.common.rejection import Rejection
from services.common.stage import StageContext
from services.enrich.stage import STAGE as ENRICH

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "schemas"
ECONOMY = Topic(code="medtop:04000000", label="economy, business and finance", score=0.8)
POLITICS = Topic(code="medtop:11000000", label="politics", score=0.4)


def _article(title: str, text: str | None = None) -> CleanArticle:
    body = text if text is not None else title
    return CleanArticle(
        article_id="a1",
        title=title,
        text=body,
        language="en",
        language_confidence=1.0,
        word_count=len(body.split()),
        url=None,
        source=None,
        published_at=None,
        extractor="plain",
    )


def _envelope(event_type: str, version: int, data: dict[str, Any] | BaseModel) -> Envelope:
    """An event as some writer at ``version`` made it; ``make_event`` only writes the current version."""
    return Envelope(
        id=f"e-{event_type}-{version}",
        source="newsfacts/test",
        type=event_type,
        subject="a1",
        time="2024-05-01T09:00:00.000Z",
        dataschema=schema_urn(event_type, version),
        correlationid="c1",
        stageversion="classify/1.0.0",
        data=data if isinstance(data, dict) else data.model_dump(mode="json"),
    )


def _classified_v1(*topics: Topic) -> Envelope:
    return _envelope("article.classified", 1, ArticleClassifiedV1(article=_article("T"), topics=list(topics)))


class TestRegistry:
    def test_every_old_version_has_a_model_and_an_upcaster(self) -> None:
        """For each type, versions 1..CURRENT have a model and every version below CURRENT an upcaster."""
        assert gaps(REGISTRY, UPCASTERS) == []

    def test_gaps_name_what_is_missing(self) -> None:
        """A bumped type without its upcaster, a lost model or a stray upcaster are each reported."""
        registry: dict[tuple[str, int], type[BaseModel]] = {
            ("a.b", 1): ArticleClassifiedV1,
            ("a.b", 2): ArticleClassifiedV2,
            ("c.d", 3): ArticleClassifiedV2,
        }
        upcasters = {("c.d", 2): classified_v1_to_v2, ("e.f", 1): classified_v1_to_v2}
        assert gaps(registry, upcasters) == [
            "a.b v1: no upcaster to v2 in UPCASTERS",
            "c.d v1: no model in REGISTRY",
            "c.d v1: no upcaster to v2 in UPCASTERS",
            "c.d v2: no model in REGISTRY",
            "e.f v1: upcaster with no model to upcast to",
        ]

    def test_classified_is_written_at_version_2(self) -> None:
        """CURRENT is the newest registered version: article.classified v2, while v1 stays readable."""
        assert CURRENT["article.classified"] == 2
        assert REGISTRY[("article.classified", 1)] is ArticleClassifiedV1


class TestReading:
    def test_v1_classified_reads_as_v2_with_empty_evidence(self) -> None:
        """Given a v1 event from an old log, read_data returns the v2 model, topics intact, evidence empty."""
        data = read_data(_classified_v1(ECONOMY, POLITICS))
        assert isinstance(data, ArticleClassifiedV2)
        assert [(t.code, t.label, t.score, t.evidence) for t in data.topics] == [
            (ECONOMY.code, ECONOMY.label, 0.8, []),
            (POLITICS.code, POLITICS.label, 0.4, []),
        ]
        assert read_as(_classified_v1(), ArticleClassifiedV2).topics == []

    def test_v2_classified_reads_as_written(self) -> None:
        """The current version needs no upcaster and keeps its evidence."""
        topic = TopicV2(code=ECONOMY.code, label=ECONOMY.label, score=0.8, evidence=["tariff", "trade"])
        event = _envelope("article.classified", 2, ArticleClassifiedV2(article=_article("T"), topics=[topic]))
        assert read_as(event, ArticleClassifiedV2).topics == [topic]

    def test_upcaster_leaves_its_input_alone(self) -> None:
        """Upcasters are pure: the event's data dict is not edited, so the envelope stays as logged."""
        event = _classified_v1(ECONOMY)
        before = copy.deepcopy(event.data)
        read_data(event)
        classified_v1_to_v2(event.data)
        assert event.data == before

    def test_a_version_newer_than_current_is_refused(self) -> None:
        """A reader never guesses at a version it does not know: unsupported_version."""
        event = _envelope("article.classified", 3, {"article": {}, "topics": []})
        with pytest.raises(Rejection) as caught:
            read_data(event)
        assert caught.value.reason == RejectReason.UNSUPPORTED_VERSION
        assert "newest: 2" in caught.value.message

    def test_bad_v1_data_is_rejected_as_v1_before_any_upcasting(self) -> None:
        """Invalid old data is the data's fault (invalid_field), never an upcaster crash."""
        event = _envelope("article.classified", 1, {"article": _article("T").model_dump(), "topics": [{}]})
        with pytest.raises(Rejection) as caught:
            read_data(event)
        assert caught.value.reason == RejectReason.INVALID_FIELD

    def test_a_missing_upcaster_step_raises_clearly(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Without the v1->v2 upcaster a v1 event is a bug to fix, not an entry to skip quietly."""
        monkeypatch.delitem(UPCASTERS, ("article.classified", 1))
        with pytest.raises(MissingUpcaster, match=r"article.classified v1: no upcaster from v1 to v2"):
            read_data(_classified_v1(ECONOMY))

    def test_an_upcaster_giving_invalid_data_fails_loudly(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """An upcaster whose output the current model refuses raises, with a note naming the upcast."""
        monkeypatch.setitem(UPCASTERS, ("article.classified", 1), lambda data: data)
        with pytest.raises(ValidationError) as caught:
            read_data(_classified_v1(ECONOMY))
        assert "upcasting article.classified v1 to v2" in "".join(caught.value.__notes__)


class TestWriting:
    def test_writers_cannot_write_an_old_version(self) -> None:
        """make_event writes the current version only: a v1 model for article.classified is refused."""
        with pytest.raises(TypeError, match=r"article\.classified v2 takes ArticleClassifiedV2"):
            make_event(
                "article.classified",
                ArticleClassifiedV1(article=_article("T"), topics=[]),
                source="newsfacts/test",
                stageversion="test/0",
                subject="a1",
                correlationid="c1",
                causationid=None,
            )

    def test_classify_stage_writes_v2_with_evidence(self) -> None:
        """The classify stage (1.1.0 and later) writes article.classified v2, each topic with its terms."""
        article = _article("Uber Ordered to Pay $8.5 Million in Bellwether Sexual Assault Lawsuit")
        cleaned = make_event(
            "article.cleaned",
            ArticleCleanedV1(article=article),
            source="newsfacts/clean",
            stageversion="clean/1.0.0",
            subject="a1",
            correlationid="c1",
            causationid=None,
        )
        (event,) = CLASSIFY.process(cleaned, StageContext(Names("t"), "classify", CLASSIFY.version)).events
        assert (event.dataschema, event.stageversion) == (
            schema_urn("article.classified", 2),
            f"classify/{CLASSIFY.version}",
        )
        topics = read_as(event, ArticleClassifiedV2).topics
        assert topics[0].label == "crime, law and justice"
        assert "lawsuit" in topics[0].evidence

    @pytest.mark.parametrize("version", [1, 2])
    def test_enrich_writes_enriched_topics_from_either_classified_version(self, version: int) -> None:
        """article.enriched (v3) topics lose their evidence; code, label and score are carried over."""
        topic = TopicV2(code=ECONOMY.code, label=ECONOMY.label, score=0.8, evidence=["tariff"])
        v2 = ArticleClassifiedV2(article=_article("Tariffs rise"), topics=[topic])
        classified = _classified_v1(ECONOMY) if version == 1 else _envelope("article.classified", 2, v2)
        (event,) = ENRICH.process(classified, StageContext(Names("t"), "enrich", ENRICH.version)).events
        assert event.dataschema == schema_urn("article.enriched", 3)
        assert read_as(event, ArticleEnrichedV3).topics == [ECONOMY]

    def test_an_enriched_v1_event_is_read_with_null_entity_tones(self) -> None:
        """v1 measured no tone per entity: read as v2, each entity's tone is None, the rest unchanged."""
        entity = {"id": "org:acme", "name": "Acme", "type": "organization", "mentions": 2,
                  "surface_forms": ["Acme"], "first_offset": 0}  # fmt: skip
        tone = {"score": 0.1, "positive": 0.1, "negative": 0.0, "neutral": 0.9, "method": "v"}
        data = {"article": _article("Acme grows").model_dump(mode="json"), "topics": [], "entities": [entity],
                "money": [], "percentages": [], "dates": [], "tone": tone}  # fmt: skip
        event = _envelope("article.enriched", 1, ArticleEnrichedV1.model_validate(data))
        [read] = read_as(event, ArticleEnrichedV2).entities
        assert read.tone is None
        assert read.model_dump(exclude={"tone"}) == entity

    def test_an_enriched_v2_event_is_read_with_the_method_v2_always_used(self) -> None:
        """v2 ran the English rules on every article: read as v3, entities_method says so, the rest as is."""
        tone = {"score": 0.1, "positive": 0.1, "negative": 0.0, "neutral": 0.9, "method": "v"}
        data = {"article": _article("Acme grows").model_dump(mode="json"), "topics": [], "entities": [],
                "money": [], "percentages": [], "dates": [], "tone": tone}  # fmt: skip
        read = read_as(
            _envelope("article.enriched", 2, ArticleEnrichedV2.model_validate(data)), ArticleEnrichedV3
        )
        assert read.entities_method == ENRICHED_V2_METHOD
        assert (
            read.model_dump(exclude={"entities_method"})
            == ArticleEnrichedV2.model_validate(data).model_dump()
        )


class TestEvidence:
    def test_every_topic_of_the_seed_says_why(self) -> None:
        """Each topic of the seed article has 1..MAX_EVIDENCE distinct lexicon terms as evidence."""
        text = (ROOT / "seeds" / "000_xiaomi_ev_mass_production.txt").read_text(encoding="utf-8")
        topics = classify(_article("Xiaomi Corp. is gearing up to sell its own electric cars", text))
        names = set(lexicon().names.values())
        for topic in topics:
            assert 1 <= len(topic.evidence) <= MAX_EVIDENCE, topic
            assert len(set(topic.evidence)) == len(topic.evidence)
            assert set(topic.evidence) <= names

    def test_evidence_is_strongest_first(self) -> None:
        """A term in the title (weighted double) and repeated outranks one weak mention in the body."""
        (topic, *_) = classify(_article("Tariffs hit exporters", "Tariffs rose again. The market was calm."))
        assert topic.evidence[0] == "tariff"
        assert topic.evidence.index("tariff") < topic.evidence.index("market")

    def test_evidence_quotes_the_lexicon_not_the_stem(self) -> None:
        """Evidence reads as the lexicon writes a term ('dow jones', 's&p 500'), not as its stem."""
        (topic, *_) = classify(_article("Dow Jones and S&P 500 close at records as earnings beat"))
        assert {"dow jones", "s&p 500", "earnings"} <= set(topic.evidence)


class TestPublishedSchemas:
    MANIFESTED = sorted(read_manifest(SCHEMAS).items())

    def test_every_schema_file_is_in_the_manifest(self) -> None:
        """A new schema file is published with its hash (python -m services.common.events.schemas schemas)."""
        assert sorted(p.name for p in SCHEMAS.glob("*.json")) == sorted(read_manifest(SCHEMAS))

    @pytest.mark.parametrize(("name", "sha"), MANIFESTED)
    def test_a_published_schema_never_changes(self, name: str, sha: str) -> None:
        """A published vN file keeps the bytes it was published with; a change must be a new version."""
        path = SCHEMAS / name
        assert path.is_file(), f"{name} was published and must stay"
        assert digest(path.read_bytes()) == sha, f"{name} changed after publication; add a new version"

    def test_manifest_entries_are_never_removed_or_changed(self) -> None:
        """Every entry of the committed manifest (git HEAD) is still in the working one, unchanged."""
        shown = subprocess.run(
            ["git", "show", f"HEAD:schemas/{MANIFEST}"], cwd=ROOT, capture_output=True, check=False
        )
        if shown.returncode != 0:
            pytest.skip(f"schemas/{MANIFEST} is not committed at HEAD yet")
        committed = dict(line.split("  ", 1)[::-1] for line in shown.stdout.decode().splitlines() if line)
        current = read_manifest(SCHEMAS)
        assert {n: current.get(n) for n in committed} == committed

    def test_writer_refuses_to_change_a_published_schema(self, tmp_path: Path) -> None:
        """Regenerating after an edit to a published model fails and writes nothing."""
        (tmp_path / MANIFEST).write_bytes(render_manifest({"article.classified.v1.json": "0" * 64}))
        with pytest.raises(PublishedSchemaChanged, match=r"article.classified.v1.json: published"):
            write(tmp_path)
        assert [p.name for p in tmp_path.iterdir()] == [MANIFEST]

    def test_writer_publishes_what_the_models_generate(self, tmp_path: Path) -> None:
        """Written from scratch, the schemas and manifest are exactly the committed ones."""
        write(tmp_path)
        assert (tmp_path / MANIFEST).read_bytes() == (SCHEMAS / MANIFEST).read_bytes()

"""A synthetic fact log (every stage's event for made-up articles), for tests and the projector benchmark."""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from dataclasses import dataclass, field

from pydantic import BaseModel

from services.common.envelope import Envelope, derived_id, make_event
from services.common.events.amendments import ArticleCorrectedV1, ArticleRetractedV1
from services.common.events.facts import (
    ArticleClassifiedV2,
    ArticleCleanedV1,
    ArticleEnrichedV3,
    ArticleIndexedV2,
    CleanArticle,
    DateMention,
    Entity,
    EntityV2,
    Money,
    Percent,
    Tone,
    Topic,
    TopicV2,
)
from services.common.events.intake import ArticleIngestedV1, ArticleSubmittedV1
from services.common.names import STAGE_OUTPUT
from services.index.logic import build_document
from services.projector.entries import LogEntry


@dataclass(frozen=True)
class ArticleSpec:
    """What a made-up article says."""

    article_id: str
    title: str
    text: str
    topics: tuple[Topic, ...] = ()
    entities: tuple[Entity, ...] = ()
    published_at: str | None = "2024-05-01T09:00:00Z"
    source: str | None = "Synthetic Wire"


def event(event_type: str, data: BaseModel, parent: Envelope | None, stageversion: str) -> Envelope:
    """An event as a stage at ``stageversion`` ('clean/1.0.0') would make it from ``parent``."""
    stage = stageversion.partition("/")[0]
    root = getattr(data, "title", None) or getattr(data, "article_id", "")
    parent_id = parent.id if parent else f"submission-{root}"
    return make_event(
        event_type,
        data,
        source=f"newsfacts/{stage}",
        stageversion=stageversion,
        subject=getattr(data, "article_id", None) or _article_id(data),
        correlationid=parent.correlationid if parent else f"corr-{parent_id}",
        causationid=parent.id if parent else None,
        event_id=derived_id(parent_id, stageversion, event_type),
    )


def _article_id(data: BaseModel) -> str | None:
    inner = getattr(data, "article", None) or getattr(data, "document", None)
    return getattr(inner, "article_id", None)


def article_events(spec: ArticleSpec, version: str = "1.0.0") -> list[tuple[str, Envelope]]:
    """(stream, event) for one article through every stage, in pipeline order."""
    body = ArticleSubmittedV1(
        title=spec.title, body=spec.text, source=spec.source, published_at=spec.published_at
    )
    submitted = event("article.submitted", body, None, f"publish/{version}")
    return [("submitted", submitted), *_chain(spec, submitted, version, f"hash-{spec.article_id}")]


def corrected_events(
    spec: ArticleSpec, note: str = "corrected", version: str = "1.0.0"
) -> list[tuple[str, Envelope]]:
    """A correction of ``spec.article_id`` to the content of ``spec``, and every stage's event for it."""
    data = ArticleCorrectedV1(
        article_id=spec.article_id, title=spec.title, body=spec.text, source=spec.source,
        published_at=spec.published_at, note=note,
    )  # fmt: skip
    content_hash = hashlib.sha256(f"{spec.title}\n{spec.text}".encode()).hexdigest()
    request = event("article.corrected", data, None, f"publish/{version}")
    unique = derived_id(f"{spec.article_id}:{content_hash}", request.stageversion, request.type)
    request = request.model_copy(update={"id": unique})
    return [("submitted", request), *_chain(spec, request, version, content_hash)]


def retracted_events(
    article_id: str, reason: str = "retracted", version: str = "1.0.0"
) -> list[tuple[str, Envelope]]:
    """A retraction as published, and the fact ingest makes of it."""
    data = ArticleRetractedV1(article_id=article_id, reason=reason)
    request = event("article.retracted", data, None, f"publish/{version}")
    unique = derived_id(f"{article_id}:{reason}", request.stageversion, request.type)
    request = request.model_copy(update={"id": unique})
    return [
        ("submitted", request),
        ("ingested", event("article.retracted", data, request, f"ingest/{version}")),
    ]


def _chain(spec: ArticleSpec, root: Envelope, version: str, content_hash: str) -> list[tuple[str, Envelope]]:
    """Every stage's event for the article in ``spec``, from the submission or correction ``root``."""
    submitted = root
    ingested = event(
        "article.ingested",
        ArticleIngestedV1(
            article_id=spec.article_id,
            content_hash=content_hash,
            title=spec.title,
            body=spec.text,
            html=None,
            url=f"https://example.com/{spec.article_id}",
            source=spec.source,
            published_at=spec.published_at,
            language="en",
            size_bytes=len(spec.text.encode()),
        ),
        submitted,
        f"ingest/{version}",
    )
    article = CleanArticle(
        article_id=spec.article_id,
        title=spec.title,
        text=spec.text,
        language="en",
        language_confidence=0.99,
        word_count=len(spec.text.split()),
        url=f"https://example.com/{spec.article_id}",
        source=spec.source,
        published_at=spec.published_at,
        extractor="plain",
    )
    cleaned = event("article.cleaned", ArticleCleanedV1(article=article), ingested, f"clean/{version}")
    topics = [TopicV2(**t.model_dump(), evidence=[]) for t in spec.topics]
    classified_data = ArticleClassifiedV2(article=article, topics=topics)
    classified = event("article.classified", classified_data, cleaned, f"classify/{version}")
    enriched_data = ArticleEnrichedV3(
        article=article,
        topics=list(spec.topics),
        entities=[EntityV2(**e.model_dump(), tone=0.1) for e in spec.entities],
        money=[Money(text="$10 billion", value=1e10, currency="USD", offset=0)],
        percentages=[Percent(text="5 percent", value=5.0, offset=0)],
        dates=[DateMention(text="May 1", value="2024-05-01", granularity="day", offset=0)],
        tone=Tone(score=0.2, positive=0.2, negative=0.05, neutral=0.75, method="synthetic"),
        entities_method="synthetic",
    )
    enriched = event("article.enriched", enriched_data, classified, f"enrich/{version}")
    indexed_data = ArticleIndexedV2(document=build_document(enriched_data))
    indexed = event("article.indexed", indexed_data, enriched, f"index/{version}")
    return [
        (STAGE_OUTPUT["ingest"], ingested),
        (STAGE_OUTPUT["clean"], cleaned),
        (STAGE_OUTPUT["classify"], classified),
        (STAGE_OUTPUT["enrich"], enriched),
        (STAGE_OUTPUT["index"], indexed),
    ]


@dataclass
class LogBuilder:
    """Gives events stream entry ids, as XADD would: increasing per stream."""

    ms: int = 1_700_000_000_000
    _seq: Counter[str] = field(default_factory=Counter)

    def entry(self, stream: str, ev: Envelope) -> LogEntry:
        """The next entry of ``stream`` carrying ``ev``."""
        self._seq[stream] += 1
        return LogEntry(stream, f"{self.ms + self._seq[stream]}-0", ev)

    def entries(self, pairs: list[tuple[str, Envelope]]) -> list[LogEntry]:
        """Entries for (stream, event) pairs, in the given order."""
        return [self.entry(stream, ev) for stream, ev in pairs]


# fmt: off
_WORDS = (
    "market", "shares", "investors", "central", "bank", "inflation", "rates", "battery", "factory",
    "electric", "vehicles", "supply", "chain", "chip", "exports", "tariffs", "quarterly", "profit",
    "revenue", "growth", "regulators", "antitrust", "probe", "merger", "talks", "energy", "prices",
    "crude", "oil", "output", "data", "centre", "cloud", "computing", "artificial", "intelligence",
    "startup", "funding", "round",
)
# fmt: on
_TOPICS = (
    Topic(code="medtop:04000000", label="economy, business and finance", score=0.8),
    Topic(code="medtop:11000000", label="politics", score=0.5),
    Topic(code="medtop:13000000", label="science and technology", score=0.6),
)
_ORGS = ("Xiaomi", "Tesla", "Baidu", "Nvidia", "Shell", "Airbus", "Siemens", "Sony")


def synthetic_spec(n: int, rng: random.Random, size: int = 3500) -> ArticleSpec:
    """A made-up article of about ``size`` characters naming two organisations."""
    orgs = rng.sample(_ORGS, 2)
    sentences: list[str] = []
    while sum(len(s) + 1 for s in sentences) < size:
        words = rng.choices(_WORDS, k=14)
        sentences.append(f"{rng.choice(orgs)} said {' '.join(words)} rose 5 percent in May.")
    text = "\n\n".join(" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4))
    entities = tuple(
        Entity(id=f"org:{o.lower()}", name=o, type="organization", mentions=text.count(o), surface_forms=[o],
               first_offset=max(text.find(o), 0))
        for o in orgs
    )  # fmt: skip
    topics = tuple(sorted(rng.sample(_TOPICS, 2), key=lambda t: -t.score))
    title = f"{orgs[0]} and {orgs[1]}: {' '.join(rng.choices(_WORDS, k=5))}"
    return ArticleSpec(f"art-{n:06d}", title, text, topics, entities, f"2024-05-{1 + n % 28:02d}T09:00:00Z")


def synthetic_log(articles: int, seed: int = 7) -> list[LogEntry]:
    """The whole log of ``articles`` made-up articles, six events each, in pipeline order per article."""
    rng = random.Random(seed)
    builder = LogBuilder()
    log: list[LogEntry] = []
    for n in range(articles):
        log.extend(builder.entries(article_events(synthetic_spec(n, rng))))
    return log

"""What the read-model queries return: frozen dataclasses with ``to_dict()`` for JSON output."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class View:
    """Base of every view: ``to_dict()`` gives plain JSON-ready data."""

    def to_dict(self) -> dict[str, Any]:
        """The view as nested dicts, lists and scalars."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class SearchHit(View):
    """One search result, best first; ``score`` is -bm25, so higher is better."""

    article_id: str
    title: str
    lede: str
    snippet: str
    score: float
    source: str | None
    url: str | None
    published_at: str | None


@dataclass(frozen=True, slots=True)
class TopicScore(View):
    """A topic assigned to an article."""

    code: str
    label: str
    score: float


@dataclass(frozen=True, slots=True)
class EntityMention(View):
    """An entity as one article mentions it."""

    id: str
    name: str
    type: str
    mentions: int
    surface_forms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RejectionView(View):
    """A rejection that names the article."""

    event_id: str
    stage: str
    reason: str
    message: str
    time: str


@dataclass(frozen=True, slots=True)
class LineageStep(View):
    """The event a stage's facts about the article come from."""

    stage: str
    event_type: str
    event_id: str
    stageversion: str
    causationid: str | None
    time: str


@dataclass(frozen=True, slots=True)
class ArticleView(View):
    """All that is known about one article; fields of stages not yet applied are empty."""

    article_id: str
    title: str | None
    url: str | None
    source: str | None
    published_at: str | None
    ingested_at: str | None
    correlationid: str | None
    content_hash: str | None
    language: str | None
    word_count: int | None
    text: str | None
    lede: str | None
    key_phrases: tuple[str, ...]
    topics: tuple[TopicScore, ...]
    entities: tuple[EntityMention, ...]
    money: tuple[dict[str, Any], ...]
    percentages: tuple[dict[str, Any], ...]
    dates: tuple[dict[str, Any], ...]
    tone: dict[str, Any] | None
    duplicates: int
    rejections: tuple[RejectionView, ...]
    lineage: tuple[LineageStep, ...]
    story: tuple[str, ...] = ()  # ids of the other articles in its story cluster


@dataclass(frozen=True, slots=True)
class StoryMember(View):
    """An article in a story cluster, with its estimated similarity to the article asked about."""

    article_id: str
    title: str | None
    source: str | None
    published_at: str | None
    similarity: float


@dataclass(frozen=True, slots=True)
class StoryCluster(View):
    """The articles that tell one story (near-duplicate texts), oldest first; the asked one included."""

    article_id: str
    members: tuple[StoryMember, ...]


@dataclass(frozen=True, slots=True)
class EntityArticle(View):
    """An article on an entity page."""

    article_id: str
    title: str | None
    published_at: str | None
    mentions: int
    tone: float | None  # of the article's sentences that name the entity


@dataclass(frozen=True, slots=True)
class EntityPage(View):
    """An entity with the articles that mention it, newest first."""

    id: str
    name: str
    type: str
    aliases: tuple[str, ...]
    article_count: int
    mentions: int
    tone: float | None  # mean over the articles with a tone for it (VADER compound, -1..1)
    articles: tuple[EntityArticle, ...]


@dataclass(frozen=True, slots=True)
class TopicCount(View):
    """A topic and how many articles have it."""

    code: str
    label: str
    articles: int


@dataclass(frozen=True, slots=True)
class TopicArticle(View):
    """An article filed under a topic."""

    article_id: str
    title: str | None
    published_at: str | None
    score: float


@dataclass(frozen=True, slots=True)
class HistoryItem(View):
    """One applied event about an article, as the log holds it; ``current`` when its facts are in force."""

    stream: str
    entry_id: str
    event_id: str
    type: str
    stageversion: str
    causationid: str | None
    time: str
    current: bool


@dataclass(frozen=True, slots=True)
class RetractionView(View):
    """Why and when an article was retracted (the event is ingest's fact)."""

    article_id: str
    event_id: str
    reason: str
    time: str


@dataclass(frozen=True, slots=True)
class LineageNode(View):
    """An event in an article's chain; its children are the events it caused."""

    event_id: str
    type: str
    stageversion: str | None
    stream: str | None
    entry_id: str | None
    time: str | None
    causationid: str | None
    current: bool
    note: str | None
    children: tuple[LineageNode, ...]


@dataclass(frozen=True, slots=True)
class LineageTree(View):
    """Every event about an article as a causation tree, one root per submission, correction or request."""

    article_id: str
    title: str | None
    retracted: RetractionView | None
    roots: tuple[LineageNode, ...]

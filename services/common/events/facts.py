"""Events the pipeline derives about an article: cleaned text, topics, entities, index document."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CleanArticle(_Data):
    """The article as later stages see it: main text only, normalised."""

    article_id: str
    title: str
    text: str = Field(description="Main text, NFC-normalised, paragraphs separated by a blank line.")
    language: str = Field(description="ISO 639-1 code, or 'und' when undetermined.")
    language_confidence: float = Field(ge=0, le=1)
    word_count: int = Field(ge=0)
    url: str | None
    source: str | None
    published_at: str | None
    extractor: str = Field(description="How the text was obtained, e.g. 'trafilatura' or 'plain'.")


class ArticleCleanedV1(_Data):
    article: CleanArticle


class Topic(_Data):
    """An IPTC Media Topic (top level) with a score in [0, 1]."""

    code: str = Field(description="IPTC Media Topic code, e.g. 'medtop:04000000'.")
    label: str = Field(description="IPTC label, e.g. 'economy, business and finance'.")
    score: float = Field(ge=0, le=1)


class ArticleClassifiedV1(_Data):
    article: CleanArticle
    topics: list[Topic] = Field(description="Best first; empty when nothing matched.")


class TopicV2(_Data):
    """An IPTC Media Topic (top level) with a score in [0, 1] and the lexicon terms that gave it."""

    code: str = Field(description="IPTC Media Topic code, e.g. 'medtop:04000000'.")
    label: str = Field(description="IPTC label, e.g. 'economy, business and finance'.")
    score: float = Field(ge=0, le=1)
    evidence: list[str] = Field(
        description="Lexicon terms that matched, strongest first; empty for events upcast from v1."
    )


class ArticleClassifiedV2(_Data):
    """An article's topics, each saying why it was assigned; v1 events are read with no evidence."""

    article: CleanArticle
    topics: list[TopicV2] = Field(description="Best first; empty when nothing matched.")


EntityType = Literal["person", "organization", "place", "product", "group"]


class Entity(_Data):
    """A named entity resolved to a canonical name and id."""

    id: str = Field(description="Stable id, e.g. 'org:xiaomi', 'place:CN', 'person:elon-musk'.")
    name: str = Field(description="Canonical name.")
    type: EntityType
    mentions: int = Field(ge=1)
    surface_forms: list[str] = Field(description="How the article wrote it, distinct, in order.")
    first_offset: int = Field(ge=0, description="Character offset of the first mention in the text.")


class EntityV2(Entity):
    """An entity with the tone of the sentences that mention it (article.enriched v2)."""

    tone: float | None = Field(
        default=None,
        ge=-1.0,
        le=1.0,
        description="Mean VADER compound score of the text's sentences that name it; null when no "
        "sentence of the text does (a title-only entity) or the text was not scored (not English).",
    )


class Money(_Data):
    text: str = Field(description="Surface form, e.g. '$10 billion'.")
    value: float
    currency: str = Field(description="ISO 4217 code.")
    offset: int = Field(ge=0)


class Percent(_Data):
    text: str
    value: float = Field(description="In percent: 'five percent' -> 5.0.")
    offset: int = Field(ge=0)


class DateMention(_Data):
    text: str
    value: str | None = Field(description="ISO date (or period start) when it can be resolved.")
    granularity: Literal["day", "month", "quarter", "half", "year", "unknown"]
    offset: int = Field(ge=0)


class Tone(_Data):
    """Article tone from a sentiment lexicon; score in [-1, 1]."""

    score: float = Field(ge=-1, le=1)
    positive: float = Field(ge=0, le=1)
    negative: float = Field(ge=0, le=1)
    neutral: float = Field(ge=0, le=1)
    method: str = Field(description="Lexicon and method, e.g. 'vader-3.3.2 mean over sentences'.")


class ArticleEnrichedV1(_Data):
    article: CleanArticle
    topics: list[Topic]
    entities: list[Entity]
    money: list[Money]
    percentages: list[Percent]
    dates: list[DateMention]
    tone: Tone


class ArticleEnrichedV2(_Data):
    """v2: each entity carries the tone of the sentences that mention it."""

    article: CleanArticle
    topics: list[Topic]
    entities: list[EntityV2]
    money: list[Money]
    percentages: list[Percent]
    dates: list[DateMention]
    tone: Tone


class ArticleEnrichedV3(ArticleEnrichedV2):
    """v3: says how the entities were found, or why none were looked for (text not in English)."""

    entities_method: str = Field(
        description="How the entities were found ('gazetteer, patterns and a learned name model'), or why "
        "the list is empty without looking: \"not extracted: English rules and name model, text is 'de'\"."
    )


class SearchDocument(_Data):
    """What the search read model indexes for one article."""

    article_id: str
    title: str
    lede: str = Field(description="The opening of the article, one or two sentences.")
    text: str
    key_phrases: list[str]
    topics: list[str] = Field(description="Topic labels, best first.")
    entities: list[str] = Field(description="Canonical entity names.")
    source: str | None
    url: str | None
    published_at: str | None
    language: str
    word_count: int = Field(ge=0)


class ArticleIndexedV1(_Data):
    document: SearchDocument


class SearchDocumentV2(_Data):
    """The search document with the MinHash signature of its text, which links rewrites into stories."""

    article_id: str
    title: str
    lede: str = Field(description="The opening of the article, one or two sentences.")
    text: str
    key_phrases: list[str]
    topics: list[str] = Field(description="Topic labels, best first.")
    entities: list[str] = Field(description="Canonical entity names.")
    source: str | None
    url: str | None
    published_at: str | None
    language: str
    word_count: int = Field(ge=0)
    minhash: list[int] = Field(
        description="MinHash of the text's word 5-shingles (64 values, datasketch affine32, seed 1);"
        " empty for texts under 8 words and for events upcast from v1: never clustered."
    )


class ArticleIndexedV2(_Data):
    """An article's search document with its text signature; v1 events are read with an empty one."""

    document: SearchDocumentV2

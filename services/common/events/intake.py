"""Events about what arrives at the door: submissions, acceptance, duplicates, rejections."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ArticleSubmittedV1(BaseModel):
    """What a publisher sends: an article in its raw form. Unknown fields are ignored."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    title: str | None = None
    body: str | None = Field(default=None, description="Plain text of the article.")
    html: str | None = Field(default=None, description="Raw HTML page; the main text is extracted.")
    url: str | None = None
    source: str | None = Field(default=None, description="Publisher or feed name.")
    published_at: str | None = Field(default=None, description="ISO 8601 date or date-time.")
    language: str | None = Field(default=None, description="ISO 639-1 hint from the publisher.")


class ArticleIngestedV1(_Data):
    """A submission accepted as an article, with its stable id."""

    article_id: str = Field(description="Stable id: the same article always gets the same id.")
    content_hash: str = Field(description="sha256 of the normalised title and content.")
    title: str | None
    body: str | None
    html: str | None
    url: str | None
    source: str | None
    published_at: str | None = Field(description="Normalised ISO 8601 (UTC when a time is given).")
    language: str | None
    size_bytes: int = Field(ge=0)


class ArticleDuplicateV1(_Data):
    """An exact copy of an article already accepted; recorded, not processed again."""

    article_id: str
    content_hash: str


class RejectReason(StrEnum):
    """Machine-readable reasons an input cannot be processed."""

    MALFORMED_JSON = "malformed_json"
    NOT_AN_OBJECT = "not_an_object"
    INVALID_FIELD = "invalid_field"
    MISSING_CONTENT = "missing_content"
    EMPTY_TEXT = "empty_text"
    NOT_UTF8 = "not_utf8"
    TOO_LARGE = "too_large"
    TOO_DEEP = "too_deep"
    UNKNOWN_EVENT_TYPE = "unknown_event_type"
    UNSUPPORTED_VERSION = "unsupported_version"
    BAD_ENVELOPE = "bad_envelope"


class ArticleRejectedV1(_Data):
    """Input that cannot be processed, kept with its reason so nothing is lost."""

    stage: str
    reason: RejectReason
    message: str = Field(description="What is wrong, for a human.")
    article_id: str | None = None
    input_entry_id: str | None = Field(default=None, description="Stream entry id of the input.")
    input_event_id: str | None = None
    raw: str = Field(description="The input as received (truncated to raw_limit bytes).")
    raw_size: int = Field(ge=0, description="Size of the whole input in bytes.")
    raw_sha256: str

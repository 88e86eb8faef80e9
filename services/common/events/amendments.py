"""Events that amend an article already in the log: retract it, or correct its content.

Both are published by people (``newsfacts retract``, ``newsfacts correct`` or any
``XADD`` of the envelope) to the submitted stream; ingest validates them. A
retraction is re-emitted by ingest as the same type on the ingested stream (the
fact the projector acts on); a correction becomes a new ``article.ingested`` for
the same article id, so every stage runs again on the new text.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

#: What an article id may look like: ingest makes 'a' + 19 hex digits; tests and imports use others.
ARTICLE_ID = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$"


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ArticleRetractedV1(_Data):
    """An article withdrawn: it leaves every read model, the log keeps its history."""

    article_id: str = Field(pattern=ARTICLE_ID, description="The article withdrawn.")
    reason: str = Field(min_length=1, max_length=2000, description="Why, for readers and the record.")


class ArticleCorrectedV1(_Data):
    """The whole new version of an article already accepted; its id stays, its content hash changes.

    Fields left out are empty in the new version (``newsfacts correct`` fills url, source,
    published_at and language from the current read model when the file leaves them out).
    """

    article_id: str = Field(pattern=ARTICLE_ID, description="The article corrected; it keeps this id.")
    title: str | None = None
    body: str | None = Field(default=None, description="Plain text of the corrected article.")
    html: str | None = Field(default=None, description="Raw HTML page of the corrected article.")
    url: str | None = None
    source: str | None = None
    published_at: str | None = Field(default=None, description="ISO 8601 date or date-time.")
    language: str | None = Field(default=None, description="ISO 639-1 hint.")
    note: str = Field(default="", max_length=2000, description="What was corrected, for the record.")

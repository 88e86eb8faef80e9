"""Events that steer the pipeline rather than describe an article: reprocess requests, discards."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ArticleReprocessRequestedV1(BaseModel):
    """Asks a stage to run its current code again on an input it has already seen.

    It is appended to the stage's input stream and points at the original entry
    there; the stage fetches that entry and processes it as if it were new. The
    stage's commit guard (stage version + input event id) makes a request for
    work already done by this version append nothing.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    stage: str = Field(description="The stage asked to reprocess.")
    entry_id: str = Field(description="Entry id of the original input in the stage's input stream.")
    event_id: str = Field(description="Id of the original input event.")
    reason: str = Field(default="", description="Why, for the record (e.g. the command line).")


class ArticleDiscardedV1(BaseModel):
    """An operator set a dead letter aside for good (``newsfacts dlq discard``).

    The dead letter is removed from its stage's dead-letter stream and the entries of its
    article parked behind it are re-driven, in order, in the same atomic step that appends
    this event; the discarded input itself stays in the log where it was.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    stage: str = Field(description="The stage whose dead letter was discarded.")
    dead_letter_id: str = Field(description="Entry id of the dead letter in the stage's dead-letter stream.")
    entry_id: str = Field(description="Entry id of the discarded input in the stage's input stream.")
    event_id: str | None = Field(
        default=None, description="Id of the discarded input event, when it could be read."
    )
    failure: str = Field(default="", description="Why the stage could not process it (its reason code).")
    reason: str = Field(min_length=1, description="Why it was discarded, as the operator gave it.")
    discarded_by: str = Field(description="Who discarded it: user@host of the command.")

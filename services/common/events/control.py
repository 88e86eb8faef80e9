"""Events that steer the pipeline rather than describe an article: reprocess requests."""

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

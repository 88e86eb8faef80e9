"""Ingest of retractions and corrections: validated, turned into facts, guarded like submissions."""

from __future__ import annotations

import pytest

from services.common.committer import Outcome
from services.common.envelope import Envelope, encode
from services.common.events.amendments import ArticleCorrectedV1
from services.common.events.intake import RejectReason
from services.common.names import Names
from services.common.rejection import Rejection
from services.common.stage import StageContext, outcome_for
from services.ingest import VERSION
from services.ingest.logic import correct, ingest, validate
from services.ingest.stage import STAGE, process
from services.publish.amendments import correction, retraction
from services.stages import run_inline

CTX = StageContext(Names("t"), "ingest", VERSION)
ORIGINAL = {"title": "Rates rise", "body": "The bank raised rates.", "url": "https://example.com/rates"}


def _fields(event: Envelope) -> dict[bytes, bytes]:
    return {b"event": encode(event)}


def test_a_retraction_becomes_a_retraction_fact_about_the_article() -> None:
    """Ingest re-emits the request as article.retracted on the ingested stream, subject the article id."""
    request = retraction("a0123456789abcdef012", "false report")
    [fact] = process(request, CTX).events
    assert (fact.type, fact.subject, fact.causationid) == (
        "article.retracted",
        "a0123456789abcdef012",
        request.id,
    )
    assert fact.data == {"article_id": "a0123456789abcdef012", "reason": "false report"}
    assert fact.stageversion == f"ingest/{VERSION}"


def test_a_retraction_goes_to_the_ingested_stream_under_the_stage_guard() -> None:
    """Committed like any input: once per request event, to nf:stream:ingested."""
    request = retraction("a1", "wrong")
    outcome = outcome_for(STAGE, CTX, "1-0", _fields(request))
    assert isinstance(outcome, Outcome)
    assert [stream for stream, _ in outcome.events] == ["t:stream:ingested"]


def test_a_retraction_without_a_reason_is_rejected_with_the_reason() -> None:
    """An empty reason is an invalid field: recorded as article.rejected, not applied."""
    request = retraction("a1", "x").model_copy(update={"data": {"article_id": "a1", "reason": ""}})
    outcome = outcome_for(STAGE, CTX, "1-0", _fields(request))
    assert isinstance(outcome, Outcome)
    [(stream, rejected)] = outcome.events
    assert stream == "t:stream:rejected"
    assert rejected.data["reason"] == RejectReason.INVALID_FIELD


def test_a_correction_keeps_the_article_id_and_changes_the_content_hash() -> None:
    """The corrected text is ingested under the id the article already has, with a new hash."""
    first = ingest(validate(ORIGINAL))
    fixed = correct(
        ArticleCorrectedV1(
            article_id=first.article_id, title="Rates rise", body="The bank cut rates.", note="cut"
        )
    )
    assert fixed.article_id == first.article_id
    assert fixed.content_hash != first.content_hash
    assert fixed.body == "The bank cut rates."


def test_a_correction_of_an_article_without_url_keeps_its_content_derived_id() -> None:
    """An id made from the original content does not follow the new content."""
    first = ingest(validate({"title": "T", "body": "Old words."}))
    fixed = correct(ArticleCorrectedV1(article_id=first.article_id, title="T", body="New words."))
    assert fixed.article_id == first.article_id


def test_a_correction_is_guarded_by_the_fingerprint_of_its_new_content() -> None:
    """New content takes a new fingerprint (processed); the article's current content is a duplicate."""
    first = ingest(validate(ORIGINAL))
    new = process(
        correction(first.article_id, {"title": "Rates rise", "body": "The bank cut rates."}, ""), CTX
    )
    same = process(correction(first.article_id, ORIGINAL, "no change"), CTX)
    assert new.guard is not None
    assert same.guard is not None
    assert same.guard.field == f"{first.article_id}:{first.content_hash}", "the original's fingerprint"
    assert new.guard.field != same.guard.field
    assert [e.type for e in new.events] == ["article.ingested"]
    assert [e.type for e in same.otherwise] == ["article.duplicate"]


def test_a_correction_with_no_content_is_refused_before_it_is_sent() -> None:
    """The publisher checks a correction as ingest would: no title, body or html is missing content."""
    with pytest.raises(Rejection) as caught:
        correction("a1", {"url": "https://example.com/x"}, "")
    assert caught.value.reason == RejectReason.MISSING_CONTENT


def test_a_correction_with_an_unknown_field_is_rejected_at_ingest() -> None:
    """Data that is not an article.corrected v1 (here an extra field) is rejected as invalid_field."""
    request = correction("a1", {"title": "T", "body": "B"}, "")
    bad = request.model_copy(update={"data": {**request.data, "colour": "red"}})
    with pytest.raises(Rejection) as caught:
        process(bad, CTX)
    assert caught.value.reason == RejectReason.INVALID_FIELD


def test_analyze_stops_after_ingest_for_a_retraction() -> None:
    """In-process, a retraction is one fact; no later stage tries to read it as an article."""
    run = run_inline(encode(retraction("a1", "wrong")))
    assert [e.type for e in run.events] == ["article.retracted", "article.retracted"]
    assert run.rejected is None

"""The CloudEvents envelope: building, encoding, decoding, and refusing what is not an event."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from services.common.envelope import Envelope, decode, derived_id, encode, make_event, read_data
from services.common.events.intake import ArticleDuplicateV1, RejectReason
from services.common.rejection import Rejection
from services.replay.reprocess import request_event
from services.replay.selection import Input
from services.stages import STAGES

CE_ATTRIBUTES = {
    "id",
    "source",
    "specversion",
    "type",
    "subject",
    "time",
    "dataschema",
    "correlationid",
    "causationid",
    "stageversion",
    "data",
}


def _duplicate() -> Envelope:
    return make_event(
        "article.duplicate",
        ArticleDuplicateV1(article_id="a1", content_hash="c" * 64),
        source="newsfacts/ingest",
        stageversion="ingest/1.0.0",
        subject="a1",
        correlationid="corr-1",
        causationid="cause-1",
    )


def _wire(**changes: Any) -> dict[str, Any]:
    """The JSON object of a valid event, with some attributes changed (``None`` removes one)."""
    obj: dict[str, Any] = orjson.loads(encode(_duplicate()))
    for key, value in changes.items():
        if value is None:
            obj.pop(key, None)
        else:
            obj[key] = value
    return obj


def _reason(raw: bytes) -> RejectReason:
    with pytest.raises(Rejection) as caught:
        decode(raw)
    return caught.value.reason


def test_encode_then_decode_gives_the_same_event() -> None:
    """What goes on the wire comes back equal, attribute for attribute."""
    event = _duplicate()
    assert decode(encode(event)) == event
    assert decode(encode(event).decode()) == event


def test_read_data_gives_back_the_typed_model() -> None:
    """The data of a decoded event is the model it was made from."""
    data = ArticleDuplicateV1(article_id="a1", content_hash="c" * 64)
    assert read_data(decode(encode(_duplicate()))) == data


def test_wire_form_uses_cloudevents_attribute_names() -> None:
    """A stream entry reads as a CloudEvents 1.0 event with the newsfacts extensions."""
    wire = orjson.loads(encode(_duplicate()))
    assert set(wire) >= CE_ATTRIBUTES
    assert wire["specversion"] == "1.0"
    assert wire["type"] == "article.duplicate"
    assert wire["dataschema"] == "urn:newsfacts:schema:article.duplicate:1"
    assert wire["subject"] == "a1"
    assert wire["correlationid"] == "corr-1"
    assert wire["causationid"] == "cause-1"
    assert wire["time"].endswith("Z")


def test_make_event_gives_fresh_ids_unless_one_is_given() -> None:
    """Events made twice get distinct ids; a given id is kept."""
    assert _duplicate().id != _duplicate().id
    data = ArticleDuplicateV1(article_id="a1", content_hash="c" * 64)
    event = make_event(
        "article.duplicate",
        data,
        source="s",
        stageversion="v",
        subject=None,
        correlationid="c",
        causationid=None,
        event_id="fixed",
    )
    assert event.id == "fixed"


def test_derived_id_is_deterministic() -> None:
    """The same cause, producer and type always derive the same id, so reprocessing is recognised."""
    assert derived_id("e1", "clean/1.0.0", "article.cleaned") == derived_id(
        "e1", "clean/1.0.0", "article.cleaned"
    )


@pytest.mark.parametrize(
    "other",
    [
        ("e2", "clean/1.0.0", "article.cleaned", 0),
        ("e1", "clean/1.0.1", "article.cleaned", 0),
        ("e1", "clean/1.0.0", "article.rejected", 0),
        ("e1", "clean/1.0.0", "article.cleaned", 1),
    ],
)
def test_derived_id_differs_when_any_input_differs(other: tuple[str, str, str, int]) -> None:
    """Another cause, producer version, type or index gives another id."""
    assert derived_id("e1", "clean/1.0.0", "article.cleaned", 0) != derived_id(*other)


def test_make_event_refuses_the_wrong_data_model() -> None:
    """An event type only carries the model registered for its current version."""
    with pytest.raises(TypeError, match=r"article\.ingested v1 takes ArticleIngestedV1"):
        make_event(
            "article.ingested",
            ArticleDuplicateV1(article_id="a1", content_hash="c"),
            source="s",
            stageversion="v",
            subject="a1",
            correlationid="c",
            causationid=None,
        )


def test_decode_rejects_malformed_json() -> None:
    """Text that is not JSON is a malformed_json rejection."""
    assert _reason(b'{"id": ') == RejectReason.MALFORMED_JSON


@pytest.mark.parametrize("raw", [b"[]", b"42", b'"event"', b"null"])
def test_decode_rejects_json_that_is_not_an_object(raw: bytes) -> None:
    """An envelope is a JSON object; anything else is a bad_envelope."""
    assert _reason(raw) == RejectReason.BAD_ENVELOPE


@pytest.mark.parametrize("missing", ["id", "source", "type", "time", "dataschema", "correlationid", "data"])
def test_decode_rejects_a_missing_envelope_attribute(missing: str) -> None:
    """Every required attribute must be there."""
    with pytest.raises(Rejection) as caught:
        decode(orjson.dumps(_wire(**{missing: None})))
    assert caught.value.reason == RejectReason.BAD_ENVELOPE
    assert missing in caught.value.message


@pytest.mark.parametrize(
    "garbled",
    [
        {"type": "Not A Type"},
        {"dataschema": "http://example.com/schema"},
        {"id": ""},
        {"time": 5},
        {"data": "not an object"},
        {"surprise": "extra attribute"},
    ],
)
def test_decode_rejects_a_garbled_envelope_attribute(garbled: dict[str, Any]) -> None:
    """Attributes of the wrong shape, or unknown ones, make a bad_envelope."""
    assert _reason(orjson.dumps(_wire(**garbled))) == RejectReason.BAD_ENVELOPE


def test_decode_rejects_another_specversion() -> None:
    """Only CloudEvents 1.0 is understood."""
    assert _reason(orjson.dumps(_wire(specversion="0.3"))) == RejectReason.BAD_ENVELOPE


def test_read_data_rejects_an_unknown_event_type() -> None:
    """A well-formed event of a type this code has never heard of is unknown_event_type."""
    event = decode(
        orjson.dumps(_wire(type="article.exploded", dataschema="urn:newsfacts:schema:article.exploded:1"))
    )
    with pytest.raises(Rejection) as caught:
        read_data(event)
    assert caught.value.reason == RejectReason.UNKNOWN_EVENT_TYPE


def test_read_data_rejects_a_version_from_the_future() -> None:
    """A version newer than this code knows is refused rather than guessed at."""
    event = decode(orjson.dumps(_wire(dataschema="urn:newsfacts:schema:article.duplicate:99")))
    with pytest.raises(Rejection) as caught:
        read_data(event)
    assert caught.value.reason == RejectReason.UNSUPPORTED_VERSION
    assert "99" in caught.value.message


def test_read_data_rejects_data_that_does_not_fit_the_model() -> None:
    """Data missing a field of its model is invalid_field, naming the field."""
    event = decode(orjson.dumps(_wire(data={"article_id": "a1"})))
    with pytest.raises(Rejection) as caught:
        read_data(event)
    assert caught.value.reason == RejectReason.INVALID_FIELD
    assert "content_hash" in caught.value.message


def test_event_version_comes_from_dataschema() -> None:
    """The schema version is read from the dataschema URN."""
    assert _duplicate().version == 1


def test_a_reprocess_request_is_a_valid_envelope_and_round_trips() -> None:
    """Envelope v2 takes '_' in a type's segments, so article.reprocess_requested can be written and read."""
    request = request_event(STAGES["classify"], Input("1700000000000-0", "e1", "a1", "c1"), "why")
    again = decode(encode(request))
    assert (again.type, again.version, again.subject) == ("article.reprocess_requested", 1, "a1")
    assert again.dataschema == "urn:newsfacts:schema:article.reprocess_requested:1"

"""The AsyncAPI document is a valid, complete contract of the log; docs/asyncapi.json is current.

Valid: checked against the official AsyncAPI 3.0.0 JSON Schema (``tests/data``, from the
``@asyncapi/specs`` package). Complete: every stream, dead-letter stream, event type and
version, reader and writer. Accurate: every ``$ref`` reaches a real schema, and the payload
schemas accept the events the stages really make.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import jsonschema
import orjson
import pytest
from referencing import Registry, Resource

from services.cli.docs import REPROCESSABLE, asyncapi_document, render
from services.cli.main import build_parser, main
from services.common.envelope import encode, make_event
from services.common.events import CURRENT, REGISTRY
from services.common.events.amendments import ArticleRetractedV1
from services.common.names import LOG_STREAMS, STAGES, Names
from services.common.settings import Settings
from services.projector.synthetic import ArticleSpec, article_events
from services.stages import run_inline

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "docs" / "asyncapi.json"
SPEC = ROOT / "tests" / "data" / "asyncapi-3.0.0.schema.json"
REGENERATE = "regenerate with: newsfacts asyncapi --out docs/asyncapi.json (no NEWSFACTS_* variables set)"
SEED = (ROOT / "seeds" / "000_xiaomi_ev_mass_production.txt").read_text()


@pytest.fixture
def defaults(monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Default settings whatever the environment says: the committed document uses the default prefix."""
    for key in list(os.environ):
        if key.startswith("NEWSFACTS_") or key == "REDIS_URL":
            monkeypatch.delenv(key)
    return Settings()


@pytest.fixture
def document(defaults: Settings) -> dict[str, Any]:
    return asyncapi_document(defaults)


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == "$ref"] + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def _pointer(node: Any, pointer: str) -> Any:
    for part in filter(None, pointer.split("/")):
        assert isinstance(node, dict) and part in node, f"{pointer} does not resolve at {part!r}"
        node = node[part]
    return node


def resolve(document: dict[str, Any], ref: str) -> Any:
    """A $ref of the document: inside it (#/...), or a schema file relative to docs/ (with a pointer)."""
    where, _, pointer = ref.partition("#")
    if not where:
        return _pointer(document, pointer)
    path = (COMMITTED.parent / where).resolve()
    assert path.is_file(), f"{ref}: no file {path}"
    return _pointer(orjson.loads(path.read_bytes()), pointer)


def payload_validator(document: dict[str, Any], message: dict[str, Any]) -> jsonschema.Draft202012Validator:
    """A validator for a message's payload, with the schema's own file as the base of its refs."""
    ref = message["payload"]["schema"]["$ref"]
    where, _, pointer = ref.partition("#")
    whole = orjson.loads((COMMITTED.parent / where).read_bytes())
    registry: Registry[Any] = Registry().with_resource(whole["$id"], Resource.from_contents(whole))
    return jsonschema.Draft202012Validator({"$ref": f"{whole['$id']}#{pointer}"}, registry=registry)


def channel_of(document: dict[str, Any], stream: str) -> dict[str, Any]:
    (channel,) = (c for c in document["channels"].values() if c["address"] == Names().stream(stream))
    return channel


def test_the_document_is_valid_asyncapi_3(document: dict[str, Any]) -> None:
    """The official AsyncAPI 3.0.0 schema accepts the document."""
    errors = list(jsonschema.Draft7Validator(orjson.loads(SPEC.read_bytes())).iter_errors(document))
    assert not errors, [f"{list(e.absolute_path)}: {e.message[:200]}" for e in errors[:5]]


def test_the_official_schema_does_catch_a_broken_document(document: dict[str, Any]) -> None:
    """Not vacuous: an operation with an action AsyncAPI 3 does not have is refused."""
    broken = orjson.loads(orjson.dumps(document))
    broken["operations"]["publish"]["action"] = "publish"
    assert not jsonschema.Draft7Validator(orjson.loads(SPEC.read_bytes())).is_valid(broken)


def test_every_reference_resolves_to_a_real_schema(document: dict[str, Any]) -> None:
    """Every $ref resolves; each payload reference reaches a published schema file, valid JSON Schema."""
    refs = _refs(document)
    assert refs
    for ref in refs:
        target = resolve(document, ref)
        if not ref.startswith("#"):
            assert ref.startswith("../schemas/"), ref
            jsonschema.Draft202012Validator.check_schema(target)


@pytest.mark.parametrize(("event_type", "version"), sorted(REGISTRY))
def test_every_event_type_and_version_is_a_message_with_its_schema(
    document: dict[str, Any], event_type: str, version: int
) -> None:
    """Each (type, version) has a message whose payload is schemas/<type>.v<version>.json, on some channel."""
    key = f"{event_type}.v{version}"
    message = document["components"]["messages"][key]
    assert message["payload"]["schema"] == {"$ref": f"../schemas/{event_type}.v{version}.json"}
    assert any(key in c["messages"] for c in document["channels"].values()), f"{key} on no channel"


def test_every_log_stream_and_dead_letter_stream_is_a_channel_and_nothing_else(
    document: dict[str, Any],
) -> None:
    """Seven log streams and one dead-letter stream per stage; no framework-internal (reclaim) channels."""
    names = Names()
    addresses = sorted(c["address"] for c in document["channels"].values())
    assert addresses == sorted([*names.all_streams(), *(names.dlq(s) for s in STAGES)])
    assert not [k for k in [*document["channels"], *document["operations"]] if "reclaim" in k]


@pytest.mark.parametrize("stream", LOG_STREAMS)
def test_the_projector_reads_every_log_stream_and_every_message_on_it(
    document: dict[str, Any], stream: str
) -> None:
    """The projector is in the contract: it receives every message of every log stream."""
    operation = document["operations"][f"projector-read-{stream}"]
    assert operation["action"] == "receive"
    channel = resolve(document, operation["channel"]["$ref"])
    assert channel["address"] == Names().stream(stream)
    assert len(operation["messages"]) == len(channel["messages"])


@pytest.mark.parametrize("stage", STAGES)
def test_every_stage_reads_its_input_stream_through_its_group(document: dict[str, Any], stage: str) -> None:
    """Each stage receives from its input stream through its consumer group, and may dead-letter."""
    names = Names()
    operation = document["operations"][f"{stage}-read"]
    assert operation["action"] == "receive"
    assert operation["x-consumer-group"] == names.group(stage)
    assert resolve(document, operation["channel"]["$ref"])["address"] == names.input_stream(stage)
    dead = document["operations"][f"{stage}-dead-letter"]
    assert resolve(document, dead["channel"]["$ref"])["address"] == names.dlq(stage)


def _made_by_the_stages() -> list[tuple[str, str, dict[str, Any]]]:
    """(stage, stream, event JSON) for what the real stages make of a seed, a retraction and bad input."""
    names = Names()
    retraction = make_event(
        "article.retracted", ArticleRetractedV1(article_id="a1", reason="test"), source="newsfacts/publish",
        stageversion="publish/0", subject="a1", correlationid="c1", causationid=None,
    )  # fmt: skip
    raws = [orjson.dumps({"title": "Xiaomi", "body": SEED}), encode(retraction), b'{"title": 5}']
    made = []
    for raw in raws:
        for event in run_inline(raw, names).events[1:]:
            stage = event.source.removeprefix("newsfacts/")
            made.append((stage, names.output_stream(stage, event.type), orjson.loads(encode(event))))
    return made


def test_what_the_stages_write_is_sent_by_them_in_the_document(document: dict[str, Any]) -> None:
    """Every event a stage really writes is a message of one of that stage's send operations to its stream."""
    made = _made_by_the_stages()
    assert {(s, e["type"]) for s, _, e in made} >= {
        ("ingest", "article.retracted"),
        ("index", "article.indexed"),
    }
    for stage, stream, event in made:
        key = f"{event['type']}.v{CURRENT[event['type']]}"
        sends = [
            op for name, op in document["operations"].items()
            if name.startswith(f"{stage}-") and op["action"] == "send"
            and resolve(document, op["channel"]["$ref"])["address"] == stream
        ]  # fmt: skip
        listed = {m["$ref"].rsplit("/", 1)[1] for op in sends for m in op["messages"]}
        assert key in listed, f"{stage} writes {key} to {stream}, but the document does not say so"


def test_each_payload_schema_accepts_the_events_really_made(document: dict[str, Any]) -> None:
    """The message a channel lists for an event's type and version validates that event as made."""
    made = [(stream, event) for _, stream, event in _made_by_the_stages()]
    names = Names()
    made += [
        (names.stream(s), orjson.loads(encode(e))) for s, e in article_events(ArticleSpec("a", "T", "x"))
    ]
    made += [(names.stream("submitted"), {"title": "A bare article", "body": "added by hand"})]
    for stream, event in made:
        channel = channel_of(document, stream.rsplit(":", 1)[1])
        key = (
            f"{event['type']}.v{CURRENT[event['type']]}"
            if "specversion" in event
            else "article.submitted.bare"
        )
        assert key in channel["messages"], f"{key} not on {stream}"
        message = resolve(document, channel["messages"][key]["$ref"])
        errors = list(payload_validator(document, message).iter_errors(event))
        assert not errors, f"{key}: {errors[0].message}"


def test_the_reprocessable_stages_are_those_replay_reprocess_takes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The document's reprocess operations match what `newsfacts replay reprocess --stage` accepts."""
    for stage in REPROCESSABLE:
        assert build_parser().parse_args(["replay", "reprocess", "--stage", stage]).stage == stage
    for stage in set(STAGES) - set(REPROCESSABLE):
        with pytest.raises(SystemExit):
            build_parser().parse_args(["replay", "reprocess", "--stage", stage])
    capsys.readouterr()


def test_generation_is_stable(defaults: Settings) -> None:
    """Two generations give the same bytes."""
    assert render(asyncapi_document(defaults)) == render(asyncapi_document(defaults))


def test_committed_document_is_current(document: dict[str, Any]) -> None:
    """A change to the names, events or stages without regenerating docs/asyncapi.json fails here."""
    assert COMMITTED.read_bytes() == render(document), REGENERATE


def test_the_command_writes_the_committed_document(defaults: Settings, tmp_path: Path) -> None:
    """``newsfacts asyncapi --out FILE`` writes exactly what the drift test compares against."""
    out = tmp_path / "asyncapi.json"
    assert main(["asyncapi", "--out", str(out)]) == 0
    assert out.read_bytes() == COMMITTED.read_bytes()


def test_schemas_base_moves_every_payload_reference(defaults: Settings) -> None:
    """--schemas-base ./ makes the document work beside the files `newsfacts schemas --out` writes."""
    moved = asyncapi_document(defaults, "./")
    external = [r for r in _refs(moved) if not r.startswith("#")]
    assert external and all(r.startswith("./") for r in external)

"""``newsfacts asyncapi``: the pipeline's AsyncAPI 3.0 document, generated from the workers' own wiring.

Each stage's broker is built exactly as its worker builds it (``build_broker``)
but never connected, so channels, consumer groups and bindings come from the
code that runs. FastStream cannot see three things, which are added and labelled:
where stages write (a Lua script appends, not a FastStream publisher), what the
input entries carry (handlers read raw entries), and the projector (building its
app opens the read-model store, so it is described instead).
"""

from __future__ import annotations

import argparse
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, cast

import orjson
from faststream.redis import RedisBroker
from faststream.specification import AsyncAPI

from services.common.envelope import Envelope
from services.common.names import EVENT_FIELD, LOG_STREAMS, STAGE_OUTPUT
from services.common.settings import Settings
from services.common.stage import Stage
from services.common.worker import Sink, build_broker

#: Never connected to: the brokers are only inspected.
DOC_URL = "redis://localhost:6379"
ENVELOPE = {"$ref": "#/components/schemas/Envelope"}
CORRELATION = {
    "description": "One id per submission, carried through every stage.",
    "location": "$message.payload#/correlationid",
}
SERVER = (
    "Any Redis-compatible server, given as REDIS_URL (redis://, rediss:// or unix://); "
    "localhost:6379 is a placeholder. With REDIS_URL unset newsfacts runs an embedded server."
)


class _Unused:
    """The sink of a documentation broker: never called, since the broker never runs."""


#: Cast, not a full ``Sink``: nothing here calls it, and the protocol may grow without touching the docs.
_NO_SINK = cast(Sink, _Unused())


def _stages() -> dict[str, Stage]:
    """The stages, imported when a document is made (not on every ``newsfacts`` start)."""
    from services.stages import STAGES

    return STAGES


def _description(settings: Settings) -> str:
    names = settings.names
    streams = ", ".join(f"`{names.stream(s)}`" for s in LOG_STREAMS)
    return (
        "News articles in, an append-only log of facts out. Each stage reads one Redis stream "
        "through its consumer group and appends to the next: "
        + " → ".join(_stages())
        + f".\n\nWire format: every entry has one field, `{EVENT_FIELD}`, holding a CloudEvents 1.0 "
        "envelope as JSON (`Envelope` below); its `dataschema` (`urn:newsfacts:schema:TYPE:VERSION`) "
        "names the JSON Schema of `data`, committed in `schemas/`. Submissions reach "
        f"`{names.input_stream('ingest')}` from `newsfacts publish`; ingest also accepts a bare article "
        f"object in `{EVENT_FIELD}` and wraps it in an article.submitted envelope.\n\n"
        "Channels `<stage>-output` and `<stage>-rejected` document the streams a stage writes. "
        "They are not FastStream publishers: the stage appends with XADD inside one Lua script "
        "(`services/common/commit.lua`) that also acknowledges the input entry: both happen or neither.\n\n"
        f"Projector (not listed as channels): reads every log stream ({streams}) with plain XREAD, "
        "no consumer group, from positions stored in its SQLite file in the same transaction as the "
        "read models. Run exactly one projector per read-model file."
    )


def _stage_broker(stage: Stage, settings: Settings) -> RedisBroker:
    """The stage's real subscribers, plus its output streams registered for documentation only."""
    names = settings.names
    broker = build_broker(DOC_URL, stage, settings, _NO_SINK, f"{stage.name}-{{hostname}}-{{pid}}")
    outputs = (
        ("output", names.stream(STAGE_OUTPUT[stage.name]), "its events"),
        ("rejected", names.output_stream(stage.name, "article.rejected"), "article.rejected for bad input"),
    )
    for suffix, stream, what in outputs:
        broker.publisher(
            stream=stream,
            title=f"{stage.name}-{suffix}",
            schema=Envelope,
            description=f"Documentation of an output stream, not a FastStream publisher: {stage.name} "
            f"appends {what} here with XADD in commit.lua, atomically with XACK of its input.",
        )
    return broker


def _in_pipeline_order(section: dict[str, Any]) -> dict[str, Any]:
    """FastStream keeps endpoints in a WeakSet, whose order follows memory addresses: fix it."""
    suffixes = ("", "-reclaim", "-output", "-rejected")
    titles = [f"{stage}{suffix}" for stage in _stages() for suffix in suffixes]
    rank = {title: n for n, title in enumerate(titles)}

    def key(item: tuple[str, Any]) -> tuple[int, str]:
        return rank.get(item[0].split(":")[0], len(rank)), item[0]

    return dict(sorted(section.items(), key=key))


def _annotate(doc: dict[str, Any], settings: Settings) -> None:
    """Add what FastStream cannot infer: descriptions, the payload of inputs, where correlation lives."""
    for server in doc["servers"].values():
        server["description"] = SERVER
    for stage in _stages().values():
        stream, accepts = settings.names.input_stream(stage.name), ", ".join(sorted(stage.accepts))
        texts = {
            stage.name: f"{stage.name} reads new entries of {stream} in batches. It handles {accepts} "
            "and acknowledges other known types without output. A bad article becomes article.rejected; "
            f"an entry that keeps failing goes to the dead-letter stream {settings.names.dlq(stage.name)}. "
            "Copies of the stage share the consumer group, so running more copies scales it.",
            f"{stage.name}-reclaim": f"{stage.name} claims entries of {stream} left pending longer than "
            "NEWSFACTS_CLAIM_IDLE_MS by a consumer that died, and handles them like new ones.",
        }
        for title, text in texts.items():
            channel = doc["channels"][title]
            channel["description"] = text
            for ref in channel["messages"].values():
                doc["components"]["messages"][ref["$ref"].rsplit("/", 1)[1]]["payload"] = ENVELOPE
    for message in doc["components"]["messages"].values():
        message["correlationId"] = CORRELATION
    doc["components"]["schemas"].pop("EmptyPayload", None)
    for section in (doc["channels"], doc["operations"], doc["components"]["messages"]):
        ordered = _in_pipeline_order(section)
        section.clear()
        section.update(ordered)


def asyncapi_document(settings: Settings) -> dict[str, Any]:
    """The AsyncAPI 3.0 document of every stage, with stream names under ``settings.prefix``."""
    try:
        app_version = version("newsfacts")
    except PackageNotFoundError:  # running from a source tree that is not installed
        app_version = "0+unknown"
    spec = AsyncAPI(
        *(_stage_broker(stage, settings) for stage in _stages().values()),
        title="newsfacts",
        version=app_version,
        description=_description(settings),
    ).to_specification()
    doc: dict[str, Any] = spec.to_jsonable()
    _annotate(doc, settings)
    return doc


def render(doc: dict[str, Any]) -> bytes:
    """Stable bytes: the committed docs/asyncapi.json is compared with this."""
    return orjson.dumps(doc, option=orjson.OPT_INDENT_2) + b"\n"


def cmd_asyncapi(args: argparse.Namespace, settings: Settings) -> int:
    text = render(asyncapi_document(settings))
    if args.out:
        Path(args.out).write_bytes(text)
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(text)
        sys.stdout.flush()
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("asyncapi", help="print the AsyncAPI 3.0 document of the pipeline's streams")
    # YAML would need PyYAML, which newsfacts does not depend on; JSON is valid YAML 1.2 anyway.
    p.add_argument("--format", choices=["json"], default="json", help="output format (json only)")
    p.add_argument("--out", metavar="FILE", help="write to FILE instead of stdout")
    p.set_defaults(handler=cmd_asyncapi)

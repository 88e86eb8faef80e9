"""``newsfacts asyncapi``: the AsyncAPI 3.0 document of the log, the complete contract of its streams.

It is made from the registries the code runs on: stream, group and dead-letter names
(``names.py``), the event types and versions (``REGISTRY``), what each stage handles
(``Stage.accepts``) and writes (``WRITES``, checked against the stages by a test). Every
message's payload is the published JSON Schema of that event type and version, referenced
(``../schemas/<type>.v<version>.json`` from ``docs/``; ``--schemas-base`` for another place),
never copied. Reclaiming pending entries is an internal detail of a group, not a channel.
"""

from __future__ import annotations

import argparse
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import orjson

from services.cli import asyncapi_messages
from services.cli.asyncapi_messages import BARE, DEAD_LETTER, message_key, ref
from services.common.events import CURRENT, REGISTRY
from services.common.names import EVENT_FIELD, LOG_STREAMS, STAGE_INPUT, STAGE_OUTPUT, STAGES, TYPE_STREAM
from services.common.settings import Settings

#: Where the published schemas are, relative to the committed docs/asyncapi.json.
SCHEMAS_BASE = "../schemas/"
#: Stage -> the event types it writes (besides article.rejected, which every stage may write).
WRITES: dict[str, tuple[str, ...]] = {
    "ingest": ("article.ingested", "article.duplicate", "article.retracted"),
    "clean": ("article.cleaned",),
    "classify": ("article.classified",),
    "enrich": ("article.enriched",),
    "index": ("article.indexed",),
}
#: Event types people and tools publish to the submitted stream (newsfacts publish, correct, retract).
PUBLISHED = ("article.submitted", "article.corrected", "article.retracted")
REPROCESS = "article.reprocess_requested"
DISCARD = "article.discarded"
#: Stages ``newsfacts replay reprocess --stage`` can ask to run again.
REPROCESSABLE: tuple[str, ...] = STAGES[1:]
SERVER = (
    "Any Redis-compatible server, given as REDIS_URL (redis://, rediss:// or unix://); "
    "localhost:6379 is a placeholder. With REDIS_URL unset newsfacts uses its embedded server."
)


def _versions(event_type: str) -> list[int]:
    return sorted(v for t, v in REGISTRY if t == event_type)


def _stream_types(short: str) -> list[str]:
    """Event types the log stream ``short`` carries, whoever writes them."""
    types: list[str] = list(PUBLISHED) if short == STAGE_INPUT["ingest"] else []
    for stage, written in WRITES.items():
        if STAGE_OUTPUT[stage] == short:
            types += [t for t in written if TYPE_STREAM.get(t, short) == short]
    if short in TYPE_STREAM.values():
        types += [t for t, s in TYPE_STREAM.items() if s == short]
    if any(STAGE_INPUT[s] == short for s in REPROCESSABLE):
        types.append(REPROCESS)
    return list(dict.fromkeys(types))


def _channels(settings: Settings) -> dict[str, Any]:
    names = settings.names
    out: dict[str, Any] = {}
    for short in LOG_STREAMS:
        types = _stream_types(short)
        readers = [s for s in STAGES if STAGE_INPUT[s] == short]
        read_by = f"the {readers[0]} group and the projector" if readers else "the projector"
        messages = {
            message_key(t, v): ref("components/messages", message_key(t, v))
            for t in types
            for v in _versions(t)
        }
        if short == STAGE_INPUT["ingest"]:
            messages[BARE] = ref("components/messages", BARE)
        out[short] = {
            "address": names.stream(short),
            "title": f"{short} stream",
            "description": f"Log stream `{names.stream(short)}`, read by {read_by}. Never trimmed, never "
            "edited: an entry's place in it is its order.",
            "messages": messages,
        }
    for stage in STAGES:
        out[f"dlq-{stage}"] = {
            "address": names.dlq(stage),
            "title": f"{stage} dead letters",
            "description": f"Dead-letter stream of {stage}: entries failing {settings.max_deliveries} "
            "deliveries (NEWSFACTS_MAX_DELIVERIES) or unreadable at once, and the article's later entries "
            "parked behind them.",
            "messages": {DEAD_LETTER: ref("components/messages", DEAD_LETTER)},
        }
    return out


def _messages_of(channel: dict[str, Any], keys: list[str] | None = None) -> list[dict[str, str]]:
    """References to the channel's messages (``keys`` of them only, if given), as an operation lists them."""
    return [
        {"$ref": f"#/channels/{channel['_key']}/messages/{k}"}
        for k in channel["messages"]
        if keys is None or k in keys
    ]


def _current(types: tuple[str, ...] | list[str]) -> list[str]:
    return [message_key(t, CURRENT[t]) for t in types]


def _operations(settings: Settings, accepts: dict[str, frozenset[str]]) -> dict[str, Any]:
    names = settings.names
    channels = {key: {**c, "_key": key} for key, c in _channels(settings).items()}
    ops: dict[str, Any] = {}

    def op(key: str, action: str, channel: str, summary: str, keys: list[str] | None, **extra: Any) -> None:
        ops[key] = {
            "action": action,
            "channel": ref("channels", channel),
            "summary": summary,
            "messages": _messages_of(channels[channel], keys),
            **extra,
        }

    op(
        "publish", "send", "submitted",
        "Publishers (newsfacts publish, correct, retract, or any XADD) append submissions and amendments.",
        [*_current(PUBLISHED), BARE],
    )  # fmt: skip
    for stage in STAGES:
        source = STAGE_INPUT[stage]
        handled = sorted(accepts[stage]) + ([REPROCESS] if stage in REPROCESSABLE else [])
        wanted = [message_key(t, v) for t in handled for v in _versions(t)]
        op(
            f"{stage}-read", "receive", source,
            f"{stage} reads {names.stream(source)} through its consumer group in batches (XREADGROUP), "
            "claims entries a dead consumer left pending (XAUTOCLAIM, after NEWSFACTS_CLAIM_IDLE_MS), and "
            "acknowledges each entry atomically with what it appends. Other known types are acknowledged "
            "without output.",
            wanted + ([BARE] if stage == "ingest" else []),
            **{"x-consumer-group": names.group(stage)},
        )  # fmt: skip
        writes = _current(WRITES[stage])
        by_stream: dict[str, list[str]] = {}
        for event_type, key in zip(WRITES[stage], writes, strict=True):
            by_stream.setdefault(TYPE_STREAM.get(event_type, STAGE_OUTPUT[stage]), []).append(key)
        for target, keys in by_stream.items():
            op(
                f"{stage}-write-{target}", "send", target,
                f"{stage} appends its facts with XADD inside one Lua script (commit.lua) that also "
                "acknowledges the input entry: both happen or neither.",
                keys,
            )  # fmt: skip
        op(
            f"{stage}-reject", "send", "rejected",
            f"{stage} records input it cannot process as article.rejected, with the reason.",
            _current(["article.rejected"]),
        )  # fmt: skip
        op(
            f"{stage}-dead-letter", "send", f"dlq-{stage}",
            f"{stage} moves an entry that keeps failing (or an article's entries parked behind it) here, "
            "atomically with its acknowledgement.",
            None,
        )  # fmt: skip
        op(
            f"{stage}-retry", "receive", f"dlq-{stage}",
            f"newsfacts dlq retry reads dead letters of {stage} and appends their events to "
            f"{names.stream(source)} again.",
            None,
        )  # fmt: skip
        op(
            f"{stage}-discard", "receive", f"dlq-{stage}",
            f"newsfacts dlq discard removes a dead letter of {stage} and appends what was parked behind it "
            f"to {names.stream(source)} again, atomically with the article.discarded it records.",
            None,
        )  # fmt: skip
    op(
        "discard", "send", "rejected",
        "newsfacts dlq discard ID --reason TEXT records which dead letter was discarded, why and by whom.",
        _current([DISCARD]),
    )  # fmt: skip
    for stage in REPROCESSABLE:
        op(
            f"reprocess-{stage}", "send", STAGE_INPUT[stage],
            f"newsfacts replay reprocess --stage {stage} asks its workers to run again on chosen inputs.",
            _current([REPROCESS]),
        )  # fmt: skip
    for short in LOG_STREAMS:
        op(
            f"projector-read-{short}", "receive", short,
            "The projector reads every log stream with plain XREAD (no consumer group) from positions it "
            "stores in its SQLite file in the same transaction as the read models. One per read-model file.",
            None,
        )  # fmt: skip
    return ops


def _description(settings: Settings) -> str:
    return (
        "News articles in, an append-only log of facts out. Each stage reads one Redis stream through "
        "its consumer group and appends to the next: " + " → ".join(STAGES) + "; the projector folds "
        "every log stream into read models.\n\nWire format: every log entry has one field, "
        f"`{EVENT_FIELD}`, holding a CloudEvents 1.0 envelope as JSON; its `dataschema` "
        "(`urn:newsfacts:schema:TYPE:VERSION`) names the JSON Schema of the whole event, published in "
        "`schemas/` (`newsfacts schemas --out DIR` copies them) and referenced by each message here. "
        "A published version is never edited; a change is a new version, and older ones stay in the log, "
        f"read upcast. Stream names use the prefix `{settings.prefix}` (NEWSFACTS_PREFIX)."
    )


def _accepts() -> dict[str, frozenset[str]]:
    """What each stage handles, from the stages themselves (imported when a document is made)."""
    from services.stages import STAGES as BY_NAME

    return {name: stage.accepts for name, stage in BY_NAME.items()}


def asyncapi_document(settings: Settings, schemas_base: str = SCHEMAS_BASE) -> dict[str, Any]:
    """The AsyncAPI 3.0 document of the log under ``settings.prefix``; schemas found at ``schemas_base``."""
    try:
        app_version = version("newsfacts")
    except PackageNotFoundError:  # running from a source tree that is not installed
        app_version = "0+unknown"
    channels = _channels(settings)
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "newsfacts", "version": app_version, "description": _description(settings)},
        "defaultContentType": "application/json",
        "servers": {"redis": {"host": "localhost:6379", "protocol": "redis", "description": SERVER}},
        "channels": channels,
        "operations": _operations(settings, _accepts()),
        "components": {
            "messages": asyncapi_messages.messages(schemas_base),
            "schemas": {DEAD_LETTER: asyncapi_messages.dead_letter_schema()},
        },
    }


def render(doc: dict[str, Any]) -> bytes:
    """Stable bytes: the committed docs/asyncapi.json is compared with this."""
    return orjson.dumps(doc, option=orjson.OPT_INDENT_2) + b"\n"


def cmd_asyncapi(args: argparse.Namespace, settings: Settings) -> int:
    text = render(asyncapi_document(settings, args.schemas_base))
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
    p.add_argument(
        "--schemas-base",
        default=SCHEMAS_BASE,
        metavar="URL",
        help=f"where the payload $refs find the schemas (default {SCHEMAS_BASE}, as from docs/); "
        "e.g. ./ beside the files of newsfacts schemas --out",
    )
    p.set_defaults(handler=cmd_asyncapi)

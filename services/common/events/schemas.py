"""JSON Schemas generated from the event models: the committed ``schemas/`` folder is their output.

``python -m services.common.events.schemas schemas/`` rewrites the folder; a test
fails when the committed files drift from the models. ``MANIFEST.sha256`` records
the hash of every schema once published: the writer refuses to change a published
file (a change is a new version), and a test fails when one changes by hand.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import Any

import orjson
from pydantic import ConfigDict, Field

from services.common.envelope import Envelope, schema_urn
from services.common.events import REGISTRY

_BASE = "https://newsfacts.invalid/schemas/"
#: Published schema files and their sha256, one ``<hex>  <name>`` line each (``sha256sum -c`` reads it).
MANIFEST = "MANIFEST.sha256"


class PublishedSchemaChanged(ValueError):
    """A model change would edit a schema already published: it needs a new version instead."""


#: The envelope's version: v2 lets a type's segments hold '_' (article.reprocess_requested); v1 did not.
ENVELOPE_VERSION = 2


class EnvelopeV1(Envelope):
    """One event: CloudEvents attributes, newsfacts extensions, and the data."""

    # Frozen: only here to keep envelope.v1.json as published. Nothing reads or writes with it.
    model_config = ConfigDict(frozen=True, extra="forbid", title="Envelope")

    type: str = Field(pattern=r"^[a-z]+(\.[a-z]+)+$")
    dataschema: str = Field(
        pattern=r"^urn:newsfacts:schema:(?P<type>[a-z.]+):(?P<version>\d+)$",
        description="urn:newsfacts:schema:TYPE:VERSION",
    )


def envelope_schema(version: int = ENVELOPE_VERSION) -> dict[str, Any]:
    """The envelope's JSON Schema; every event schema is the current one with its data filled in."""
    schema = (EnvelopeV1 if version == 1 else Envelope).model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = _BASE + f"envelope.v{version}.json"
    return schema


def event_schema(event_type: str, version: int) -> dict[str, Any]:
    """The whole event: the envelope with this type, this schema version and its data model."""
    schema = envelope_schema()
    data = REGISTRY[(event_type, version)].model_json_schema(ref_template="#/$defs/{model}")
    defs = {**schema.pop("$defs", {}), **data.pop("$defs", {})}
    props = schema["properties"]
    props["type"] = {"const": event_type, "type": "string"}
    props["dataschema"] = {"const": schema_urn(event_type, version), "type": "string"}
    props["data"] = data
    schema["$id"] = _BASE + f"{event_type}.v{version}.json"
    schema["title"] = f"{event_type} v{version}"
    if defs:
        schema["$defs"] = defs
    return schema


def all_schemas() -> dict[str, dict[str, Any]]:
    """File name -> schema, for every event type and version plus the envelope."""
    out = {f"envelope.v{v}.json": envelope_schema(v) for v in range(1, ENVELOPE_VERSION + 1)}
    for event_type, version in sorted(REGISTRY):
        out[f"{event_type}.v{version}.json"] = event_schema(event_type, version)
    return out


def render(schema: dict[str, Any]) -> bytes:
    return orjson.dumps(schema, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def read_manifest(folder: Path) -> dict[str, str]:
    """Published file name -> sha256, from ``folder/MANIFEST.sha256`` (empty when there is none)."""
    path = folder / MANIFEST
    if not path.exists():
        return {}
    pairs = (line.split("  ", 1) for line in path.read_text(encoding="utf-8").splitlines() if line)
    return {name: sha for sha, name in pairs}


def render_manifest(published: dict[str, str]) -> bytes:
    return "".join(f"{sha}  {name}\n" for name, sha in sorted(published.items())).encode()


def write(folder: Path) -> list[Path]:
    """Write every schema and add new ones to the manifest; refuse to change a published one."""
    rendered = {name: render(schema) for name, schema in all_schemas().items()}
    published = read_manifest(folder)
    changed = sorted(
        n for n, content in rendered.items() if published.get(n, digest(content)) != digest(content)
    )
    if changed:
        raise PublishedSchemaChanged(
            f"{', '.join(changed)}: published, so never edited; give the model a new version and an "
            "upcaster instead (schemas/README.md)"
        )
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in rendered.items():
        path = folder / name
        path.write_bytes(content)
        written.append(path)
    # Append-only: an entry stays even if its model went away, so the test notices the missing file.
    (folder / MANIFEST).write_bytes(render_manifest(published | {n: digest(c) for n, c in rendered.items()}))
    return written


if __name__ == "__main__":
    try:
        paths = write(Path(sys.argv[1] if len(sys.argv) > 1 else "schemas"))
    except PublishedSchemaChanged as exc:
        sys.exit(f"error: {exc}")
    for p in paths:
        print(p)

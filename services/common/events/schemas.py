"""JSON Schemas generated from the event models: the committed ``schemas/`` folder is their output.

``python -m services.common.events.schemas schemas/`` rewrites the folder; a test
fails when the committed files drift from the models.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import orjson

from services.common.envelope import Envelope, schema_urn
from services.common.events import REGISTRY

_BASE = "https://newsfacts.invalid/schemas/"


def envelope_schema() -> dict[str, Any]:
    schema = Envelope.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = _BASE + "envelope.v1.json"
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
    out = {"envelope.v1.json": envelope_schema()}
    for event_type, version in sorted(REGISTRY):
        out[f"{event_type}.v{version}.json"] = event_schema(event_type, version)
    return out


def render(schema: dict[str, Any]) -> bytes:
    return orjson.dumps(schema, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


def write(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in all_schemas().items():
        path = folder / name
        path.write_bytes(render(schema))
        written.append(path)
    return written


if __name__ == "__main__":
    for p in write(Path(sys.argv[1] if len(sys.argv) > 1 else "schemas")):
        print(p)

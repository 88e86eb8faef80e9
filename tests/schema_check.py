"""Checks an event against the committed JSON Schema named by its type and version."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import orjson

from services.common.envelope import Envelope, encode

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


@cache
def _validator(name: str) -> jsonschema.Draft202012Validator:
    schema = orjson.loads((SCHEMAS / name).read_bytes())
    return jsonschema.Draft202012Validator(schema)


def assert_valid(event: Envelope) -> dict[str, Any]:
    """Assert the event as sent matches ``schemas/<type>.v<version>.json``; return its JSON."""
    wire: dict[str, Any] = orjson.loads(encode(event))
    errors = sorted(_validator(f"{event.type}.v{event.version}.json").iter_errors(wire), key=str)
    assert not errors, f"{event.type} v{event.version} does not match its schema: {errors[0].message}"
    return wire

"""The published JSON Schemas as shipped in the package, and checking a stream entry against them.

``services/common/schemas`` is the committed ``schemas/`` folder (a link in the source tree, real
files in the wheel). An event is checked against the schema its ``dataschema`` names, the whole
event at once: envelope and data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jsonschema
import orjson

#: The schema files inside the installed package.
FOLDER = Path(__file__).resolve().parents[1] / "schemas"
_URN = re.compile(r"^urn:newsfacts:schema:(?P<type>[a-z._]+):(?P<version>\d+)$")


@dataclass(frozen=True, slots=True)
class Verdict:
    """How one entry compares with its schema: ``problem`` is None when it conforms."""

    event_type: str | None
    schema: str | None
    problem: str | None


def schema_files() -> list[Path]:
    """Every published schema file, envelope versions first, then by name."""
    return sorted(FOLDER.glob("*.json"), key=lambda p: (not p.name.startswith("envelope."), p.name))


@cache
def _validator(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(orjson.loads((FOLDER / name).read_bytes()))


def check(event: object) -> Verdict:
    """Check one event (parsed JSON) against the published schema its ``dataschema`` names."""
    if not isinstance(event, dict):
        return Verdict(None, None, f"not a JSON object but {type(event).__name__}")
    urn = event.get("dataschema")
    match = _URN.match(urn) if isinstance(urn, str) else None
    if match is None:
        return Verdict(_text(event.get("type")), None, f"dataschema {urn!r} names no newsfacts schema")
    name = f"{match['type']}.v{match['version']}.json"
    if not (FOLDER / name).is_file():
        return Verdict(match["type"], name, f"no published schema {name}")
    error = jsonschema.exceptions.best_match(_validator(name).iter_errors(event))
    if error is None:
        return Verdict(match["type"], name, None)
    where = "/".join(str(p) for p in error.absolute_path) or "(root)"
    return Verdict(match["type"], name, f"{where}: {error.message}")


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None

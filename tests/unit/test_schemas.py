"""The committed schemas/ folder is exactly what the event models generate, and valid JSON Schema."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import orjson
import pytest

from services.common.events import REGISTRY
from services.common.events.schemas import all_schemas, render

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
COMMITTED = sorted(p.name for p in SCHEMAS.glob("*.json"))


@pytest.mark.parametrize(("name", "schema"), sorted(all_schemas().items()))
def test_committed_schema_matches_the_models(name: str, schema: dict[str, object]) -> None:
    """A model changed without regenerating schemas/ fails here (python -m services.common.events.schemas)."""
    path = SCHEMAS / name
    assert path.exists(), f"{name} is not committed"
    assert path.read_bytes() == render(schema), f"{name} drifted from its model"


def test_no_committed_schema_lacks_a_model() -> None:
    """Every file in schemas/ is still generated; a stale file would mislead consumers."""
    assert sorted(all_schemas()) == COMMITTED


@pytest.mark.parametrize(("event_type", "version"), sorted(REGISTRY))
def test_every_registered_event_has_a_schema_file(event_type: str, version: int) -> None:
    """Each (type, version) in the registry is published as schemas/<type>.v<version>.json."""
    assert (SCHEMAS / f"{event_type}.v{version}.json").is_file()


@pytest.mark.parametrize("name", COMMITTED)
def test_each_schema_is_valid_draft_2020_12(name: str) -> None:
    """Each file is itself a valid JSON Schema of the draft it declares."""
    schema = orjson.loads((SCHEMAS / name).read_bytes())
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)

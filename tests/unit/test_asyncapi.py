"""The AsyncAPI document covers every stage's streams, and the committed docs/asyncapi.json is current."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from services.cli.docs import asyncapi_document, render
from services.cli.main import main
from services.common.names import STAGE_OUTPUT, STAGES, Names
from services.common.settings import Settings

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "asyncapi.json"
REGENERATE = "regenerate with: newsfacts asyncapi --out docs/asyncapi.json (no NEWSFACTS_* variables set)"


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


@pytest.mark.parametrize("stage", STAGES)
def test_every_stage_reads_its_input_stream_through_its_group(document: dict[str, Any], stage: str) -> None:
    """Each stage's input stream is a channel read with XREADGROUP by the stage's consumer group."""
    names = Names()
    channel = document["channels"][stage]
    assert channel["address"] == names.input_stream(stage)
    assert channel["bindings"]["redis"]["method"] == "xreadgroup"
    assert channel["bindings"]["redis"]["groupName"] == names.group(stage)
    assert document["operations"][stage]["action"] == "receive"


@pytest.mark.parametrize("stage", STAGES)
def test_every_stage_output_is_documented_as_such(document: dict[str, Any], stage: str) -> None:
    """Output channels say they document the commit script's XADD, not a FastStream publisher."""
    channel = document["channels"][f"{stage}-output"]
    assert channel["address"] == Names().stream(STAGE_OUTPUT[stage])
    assert "not a FastStream publisher" in channel["description"]
    assert document["operations"][f"{stage}-output"]["action"] == "send"


def test_every_reference_resolves(document: dict[str, Any]) -> None:
    """No $ref points nowhere, e.g. after the placeholder payload schema was dropped."""
    for ref in _refs(document):
        node: Any = document
        for part in ref.removeprefix("#/").split("/"):
            assert part in node, f"{ref} does not resolve"
            node = node[part]


def test_generation_is_stable(defaults: Settings) -> None:
    """Two generations give the same bytes, whatever order FastStream keeps its endpoints in."""
    assert render(asyncapi_document(defaults)) == render(asyncapi_document(defaults))


def test_committed_document_is_current(document: dict[str, Any]) -> None:
    """A change to the wiring, names or event envelope without regenerating docs/asyncapi.json fails here."""
    assert COMMITTED.read_bytes() == render(document), REGENERATE


def test_the_command_writes_the_committed_document(defaults: Settings, tmp_path: Path) -> None:
    """``newsfacts asyncapi --out FILE`` writes exactly what the drift test compares against."""
    out = tmp_path / "asyncapi.json"
    assert main(["asyncapi", "--out", str(out)]) == 0
    assert out.read_bytes() == COMMITTED.read_bytes()

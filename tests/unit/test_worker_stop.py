"""A worker's stop: after its app returns, a check it cannot make is no reason to fail the stop."""

from __future__ import annotations

from services.common.settings import Settings
from services.common.worker import _group_missing
from services.ingest.stage import STAGE as INGEST


async def test_an_unreachable_server_after_the_stop_means_just_stop() -> None:
    """With no connection the group check says 'not missing': the worker exits 0 instead of exit 3."""
    closed = Settings(REDIS_URL="redis://127.0.0.1:1/0", prefix="stop")
    assert await _group_missing(closed, INGEST) is False

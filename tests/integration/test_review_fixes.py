"""Boundaries hardened after review: racing retries, rebuild arguments, secrets in output, empty folders."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from services.cli.main import main
from services.common.connection import redact
from services.common.deadletter import DeadLetterQueue, Failure, list_dead, retry
from services.common.settings import Settings
from services.common.topology import ensure_topology
from services.publish.sources import SourceError, check_paths


@pytest.mark.redis
async def test_two_retries_at_once_re_drive_each_dead_letter_once(
    redis: aioredis.Redis, settings: Settings
) -> None:
    """Concurrent `dlq retry --all` calls split the letters between them: nothing is re-driven twice."""
    names = settings.names
    await ensure_topology(redis, names)
    stream = names.input_stream("clean")
    ids = [await redis.xadd(stream, {"event": f"garbage {n}".encode()}) for n in range(3)]
    await redis.xreadgroup(names.group("clean"), "c", {stream: ">"})
    dlq = DeadLetterQueue(redis, names, "clean", names.group("clean"))
    failures = [
        Failure(eid, f"garbage {n}".encode(), None, "malformed_json", "bad", True)
        for n, eid in enumerate(ids)
    ]
    await dlq.bury(failures, {})
    assert len(await list_dead(redis, names)) == 3
    before = await redis.xlen(stream)

    moved = await asyncio.gather(retry(redis, names, None), retry(redis, names, None))

    assert sum(moved) == 3
    assert await redis.xlen(stream) == before + 3
    assert await list_dead(redis, names) == []


def test_a_non_positive_batch_is_an_argument_error(capsys: pytest.CaptureFixture[str]) -> None:
    """`replay rebuild --batch 0` is refused by the parser (exit 2), before anything connects."""
    with pytest.raises(SystemExit) as stopped:
        main(["replay", "rebuild", "--batch", "0"])
    assert stopped.value.code == 2
    assert "must be at least 1" in capsys.readouterr().err


def test_passwords_in_the_query_string_are_redacted() -> None:
    """A password given as ?password=… is hidden like one in the userinfo."""
    shown = redact("redis://user:secret@host:6379/0?password=other&ssl_cert_reqs=none")
    assert "secret" not in shown and "other" not in shown
    assert "ssl_cert_reqs=none" in shown


def test_an_embedded_password_with_whitespace_is_refused(tmp_path: Path) -> None:
    """The password goes into the server's config file: a space or line break could inject directives."""
    with pytest.raises(ValueError, match="no spaces or line breaks"):
        Settings(data_dir=tmp_path, embedded_password="pw\nrename-command FLUSHALL x")


def test_a_folder_without_articles_is_refused_before_anything_is_sent(tmp_path: Path) -> None:
    """check_paths fails on an empty folder up front, so a publish never stops half way for that."""
    (tmp_path / "notes.md").write_text("not an article")
    with pytest.raises(SourceError, match=r"no .* files in this folder"):
        check_paths([str(tmp_path)])

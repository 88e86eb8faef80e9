"""The reading commands print the same on either read store (NEWSFACTS_READ_STORE)."""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

import orjson
import pytest

from services import readstore
from services.cli.main import main
from services.common.settings import Settings
from services.projector.store import ReadModelStore
from tests.e2e.conftest import Cli, clean_environment, command
from tests.storelog import store_log

COMMANDS = (
    ("article", "m-rates-copy"),
    ("article", "m-fix", "--json"),
    ("article", "m-gone"),
    ("entity", "Xiaomi"),
    ("entity", "Xiaomi", "--json"),
    ("topics",),
    ("topics", "economy, business and finance"),
    ("story", "m-rates"),
    ("lineage", "m-fix"),
    ("replay", "checksum"),
)


def _run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], store: str, *args: str) -> str:
    monkeypatch.setenv("NEWSFACTS_READ_STORE", store)
    code = main(list(args))
    out = capsys.readouterr()
    assert code in (0, 1), (args, out.err)
    return out.out + out.err


def test_reading_commands_print_the_same_on_postgresql_as_on_sqlite(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """article, entity, topics, story, lineage and replay checksum: byte for byte; search: the same hits."""
    prefix = f"t{uuid.uuid4().hex[:12]}"
    monkeypatch.setenv("NEWSFACTS_PREFIX", prefix)
    monkeypatch.setenv("NEWSFACTS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("NEWSFACTS_LOG_LEVEL", "warning")
    sqlite = f"sqlite:///{tmp_path / 'rm.sqlite'}"
    log = store_log()
    with readstore.open_store(Settings(read_store=postgres_url, prefix=prefix)) as pg:
        pg.apply_batch(log)
    with ReadModelStore.open(tmp_path / "rm.sqlite") as lite:
        lite.apply_batch(log)
    for args in COMMANDS:
        on_pg, on_sqlite = (
            _run(monkeypatch, capsys, postgres_url, *args),
            _run(monkeypatch, capsys, sqlite, *args),
        )
        assert on_pg == on_sqlite, args
        assert on_pg.strip(), args
    hits = [
        orjson.loads(_run(monkeypatch, capsys, s, "search", "central bank", "--json"))
        for s in (postgres_url, sqlite)
    ]
    assert [h["article_id"] for h in hits[0]] == [h["article_id"] for h in hits[1]]


def test_reading_an_empty_postgres_store_says_there_is_none_yet(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before any projector ran: exit 1, a hint, and no password in it."""
    monkeypatch.setenv("NEWSFACTS_PREFIX", f"t{uuid.uuid4().hex[:12]}")
    monkeypatch.setenv("NEWSFACTS_READ_STORE", postgres_url.replace("postgres@", "postgres:pw-never-shown@"))
    assert main(["search", "anything"]) == 1
    err = capsys.readouterr().err
    assert "no read models in schema" in err and "pw-never-shown" not in err and "***" in err


def test_store_compare_says_whether_the_live_store_agrees_with_a_sqlite_one(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Same log: the stores agree (exit 0); a SQLite store missing one article's topics differs (exit 1);
    no such file is bad input (exit 2)."""
    prefix = f"t{uuid.uuid4().hex[:12]}"
    monkeypatch.setenv("NEWSFACTS_PREFIX", prefix)
    monkeypatch.setenv("NEWSFACTS_READ_STORE", postgres_url)
    log = store_log()
    with readstore.open_store(Settings(read_store=postgres_url, prefix=prefix)) as pg:
        pg.apply_batch(log)
    with ReadModelStore.open(tmp_path / "same.sqlite") as lite:
        lite.apply_batch(log)
    assert main(["store", "compare", str(tmp_path / "same.sqlite")]) == 0
    assert "the stores agree" in capsys.readouterr().out
    with ReadModelStore.open(tmp_path / "same.sqlite") as lite:
        (changed,) = lite.connection.execute("SELECT min(article_id) FROM article_topics").fetchone()
        lite.connection.execute("DELETE FROM article_topics WHERE article_id = ?", (changed,))
    assert main(["store", "compare", str(tmp_path / "same.sqlite"), "--json"]) == 1
    report = orjson.loads(capsys.readouterr().out)
    assert report["equal"] is False and f"article {changed}" in report["differences"]
    assert main(["store", "compare", str(tmp_path / "absent.sqlite")]) == 2


def test_amending_checks_the_postgresql_read_store_first(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """retract and correct look the article up in the configured store: unknown or retracted is exit 1,
    before anything is sent (no log server is needed to say so)."""
    prefix = f"t{uuid.uuid4().hex[:12]}"
    monkeypatch.setenv("NEWSFACTS_PREFIX", prefix)
    monkeypatch.setenv("NEWSFACTS_READ_STORE", postgres_url)
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens: nothing may be sent
    with readstore.open_store(Settings(read_store=postgres_url, prefix=prefix)) as pg:
        pg.apply_batch(store_log())
    assert main(["retract", "no-such-article", "--reason", "test"]) == 1
    assert "no article 'no-such-article' in the read models" in capsys.readouterr().err
    assert main(["retract", "m-gone", "--reason", "again"]) == 1
    assert "was retracted at" in capsys.readouterr().err


@pytest.mark.slow
def test_the_pipeline_folds_into_postgresql_and_the_commands_read_it(cli: Cli, postgres_url: str) -> None:
    """newsfacts demo with NEWSFACTS_READ_STORE on PostgreSQL: every worker and the projector run, every
    seed is projected into PostgreSQL, search reads it there, and the DSN's password is never printed."""
    secret = postgres_url.replace("postgres@", "postgres:pw-hunter2@")  # trust auth: accepted, unused
    pg = cli.with_env(NEWSFACTS_READ_STORE=secret)
    demo = pg.run("demo", "--json", "--timeout", "90", timeout=150)
    assert demo.code == 0, demo.stderr
    assert demo.json()["counters"]["article.indexed"] >= 1
    found = pg.run("search", "Xiaomi", "--json")
    assert found.code == 0 and found.json()[0]["title"].startswith("Xiaomi")
    assert not (cli.data_dir / "readmodels").exists() or not any(
        (cli.data_dir / "readmodels").glob("*.sqlite")
    )
    assert "pw-hunter2" not in demo.stdout + demo.stderr + found.stdout + found.stderr


def test_a_store_out_of_reach_or_too_new_is_a_clear_error(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """No server at the URL: exit 3 naming the store without its password; a schema migrated by
    newer code: exit 4 (a store this code cannot use) saying so, for the commands and the projector."""
    prefix = f"t{uuid.uuid4().hex[:12]}"
    monkeypatch.setenv("NEWSFACTS_PREFIX", prefix)
    monkeypatch.setenv("NEWSFACTS_READ_STORE", "postgresql://reader:pw-never-shown@127.0.0.1:1/news")
    assert main(["topics"]) == 3
    err = capsys.readouterr().err
    assert "cannot reach the read store postgresql://reader:***@127.0.0.1:1/news" in err
    assert "pw-never-shown" not in err
    with readstore.open_store(Settings(read_store=postgres_url, prefix=prefix)) as pg:
        pg.connection.raw.execute("INSERT INTO schema_migrations (version, name) VALUES (9999, 'future')")  # type: ignore[attr-defined]
    monkeypatch.setenv("NEWSFACTS_READ_STORE", postgres_url)
    assert main(["topics"]) == 4
    assert "newer than this code knows" in capsys.readouterr().err
    env = clean_environment(
        NEWSFACTS_PREFIX=prefix, NEWSFACTS_READ_STORE=postgres_url, REDIS_URL="redis://127.0.0.1:1/0"
    )  # a worker configures logging for its process: run it as one
    worker = subprocess.run(
        command("worker", "projector"), env=env, capture_output=True, text=True, timeout=60
    )
    assert worker.returncode == 4 and "newer than this code knows" in worker.stderr

"""The ``newsfacts`` command as a user runs it: up, publish, status, queries, demo, analyze, errors."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path

import orjson
import pytest

from services.common.names import STAGES
from services.projector import queries
from services.projector.store import ReadModelStore
from tests.e2e.conftest import Cli, Result, eventually, lengths

SEED_ITEMS = 18
SEED_ARTICLE = "seeds/000_xiaomi_ev_mass_production.txt"
STAGE_STREAMS = ("submitted", "ingested", "cleaned", "classified", "enriched", "indexed")


def drained(cli: Cli, indexed: int) -> bool:
    """``status --json`` shows ``indexed`` articles and every stage group with lag 0 and nothing pending."""
    status = cli.run("status", "--json").json()
    groups = [group for row in status for group in row["groups"]]
    return (
        lengths(status)["indexed"] == indexed
        and {g["name"] for g in groups} >= set(STAGES)
        and all(g["lag"] == 0 and g["pending"] == 0 for g in groups)
    )


def projected(cli: Cli, correlation_ids: list[str]) -> bool:
    """The read models record an outcome for every published submission."""
    if not cli.readmodel_path.exists():
        return False
    with closing(queries.connect_readonly(cli.readmodel_path)) as conn:
        try:
            return queries.outcomes(conn, correlation_ids) == len(correlation_ids)
        except sqlite3.OperationalError:  # the projector has not created its tables yet
            return False


def publish_one(cli: Cli, path: Path, word: str) -> str:
    """Publish the article at ``path``, wait until it is projected, and return its id (found by ``word``)."""
    published = cli.run("publish", str(path), "--json").json()
    eventually(lambda: projected(cli, published["correlation_ids"]), "the article to be projected")
    [hit] = cli.run("search", word, "--json").json()
    return str(hit["article_id"])


def run_together(cli: Cli, *commands: tuple[str, ...]) -> list[Result]:
    """Run independent commands at the same time (each one pays the interpreter's start-up)."""
    with ThreadPoolExecutor(len(commands)) as pool:
        return list(pool.map(lambda args: cli.run(*args), commands))


def stop(process: subprocess.Popen[bytes], sig: signal.Signals, within: float) -> int | None:
    """Send ``sig`` and wait; None if it did not exit in time. Whatever is left of its session is killed."""
    process.send_signal(sig)
    try:
        return process.wait(timeout=within)
    except subprocess.TimeoutExpired:
        return None
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # workers outliving `up` would otherwise leak
        process.wait()


def session_alive(pgid: int) -> bool:
    """Whether any process of the session ``pgid`` still runs."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.redis
@pytest.mark.slow
def test_up_processes_published_seeds_answers_queries_and_stops_cleanly_on_sigterm(
    cli: Cli, tmp_path: Path
) -> None:
    """Under `up`, published seeds become queryable; SIGTERM stops every worker: exit 0, nothing pending.

    With NEWSFACTS_LOG_FORMAT=json every line `up` and its workers print is a JSON object, and the
    clean stop logs no error.
    """
    log = tmp_path / "up.log"
    up = cli.with_env(NEWSFACTS_LOG_FORMAT="json", NEWSFACTS_LOG_LEVEL="info").start("up", log=log)
    try:
        published = cli.run("publish", "seeds/", "--json").json()
        assert (published["sent"], len(published["event_ids"]), published["warnings"]) == (
            SEED_ITEMS,
            SEED_ITEMS,
            [],
        )

        assert len(published["correlation_ids"]) == SEED_ITEMS
        eventually(lambda: projected(cli, published["correlation_ids"]), "an outcome for every submission")
        eventually(lambda: drained(cli, SEED_ITEMS), "every group at lag 0, nothing pending, 18 indexed")

        hits = cli.run("search", "Xiaomi", "--json").json()
        assert hits, "no hit for Xiaomi"
        seed = hits[0]
        assert seed["title"].startswith("Xiaomi Corp.")
        article, entity, topics, status, unknown = run_together(
            cli,
            ("article", seed["article_id"], "--json"),
            ("entity", "Elon Musk", "--json"),
            ("topics", "--json"),
            ("status", "--json"),
            ("article", "nonexistent"),
        )
    finally:
        code = stop(up, signal.SIGTERM, within=30.0)
    output = log.read_text(errors="replace")
    assert code == 0, f"`up` exited {code} after SIGTERM:\n{output[-3000:]}"
    assert not session_alive(up.pid), "a worker outlived `up`"
    records = [orjson.loads(line) for line in output.splitlines()]  # each line JSON, or this raises
    assert all(isinstance(r, dict) for r in records)
    assert {r["stage"] for r in records if r.get("event") == "worker stopped"} == set(STAGES)
    assert [r for r in records if r.get("level") in ("error", "critical")] == []

    view = article.json()
    assert view["article_id"] == seed["article_id"]
    assert view["topics"][0]["label"] == "economy, business and finance"
    assert {"Xiaomi", "Elon Musk", "Lei Jun", "Hong Kong"} <= {e["name"] for e in view["entities"]}
    assert [(m["text"], m["value"], m["currency"]) for m in view["money"]] == [("$10 billion", 1e10, "USD")]
    assert {step["stage"] for step in view["lineage"]} == set(STAGES)

    page = entity.json()
    assert (page["name"], page["type"]) == ("Elon Musk", "person")
    assert seed["article_id"] in {a["article_id"] for a in page["articles"]}

    counts = {t["label"]: t["articles"] for t in topics.json()}
    assert counts["economy, business and finance"] >= 1

    streams = lengths(status.json())
    assert {s: streams[s] for s in STAGE_STREAMS} == dict.fromkeys(STAGE_STREAMS, SEED_ITEMS)
    assert streams["rejected"] == 0

    assert (unknown.code, unknown.stderr.strip()) == (1, "newsfacts: no article 'nonexistent'")

    after = cli.run("status", "--json").json()
    assert [g["pending"] for row in after for g in row["groups"]] == [0] * len(STAGES)


@pytest.mark.redis
def test_publish_reads_articles_from_stdin(cli: Cli) -> None:
    """`publish -` takes JSON Lines on stdin and appends one submission per line."""
    lines = b'{"title": "Rates rise", "body": "The bank raised rates."}\n{"title": "Oil falls"}\n'
    published = cli.run("publish", "-", "--json", stdin=lines).json()
    assert (published["sent"], len(published["event_ids"]), published["warnings"]) == (2, 2, [])
    assert lengths(cli.run("status", "--json").json())["submitted"] == 2


@pytest.mark.redis
def test_publishing_a_missing_path_exits_2_naming_it(cli: Cli) -> None:
    """A path that does not exist is a usage error: exit 2, the path named on stderr, no traceback."""
    result = cli.run("publish", "/no/such/path")
    assert result.code == 2
    assert result.stderr.strip() == "newsfacts: /no/such/path: no such file or folder"


def test_publish_checks_its_paths_before_connecting(offline: Cli) -> None:
    """A mistyped path is reported as such even when the server is down, not as a connection error."""
    result = offline.run("publish", "/no/such/path")
    assert (result.code, result.stderr.strip()) == (2, "newsfacts: /no/such/path: no such file or folder")


def test_an_unreachable_server_is_reported_in_one_line_not_a_traceback(offline: Cli) -> None:
    """`status` with nothing listening at REDIS_URL fails with exit 3 and a message naming the server."""
    result = offline.run("status")
    assert result.code == 3, result.stderr[-500:]
    assert result.stderr.startswith("newsfacts: ")
    assert "127.0.0.1:1" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unknown_worker_role_exits_2(offline: Cli) -> None:
    """`worker` takes only a stage or 'projector'; anything else is a usage error listing the choices."""
    result = offline.run("worker", "nosuchstage")
    assert result.code == 2
    assert "invalid choice: 'nosuchstage'" in result.stderr
    assert "projector" in result.stderr


def test_an_unknown_article_exits_1(offline: Cli) -> None:
    """`article` with an id no event named exits 1 and says so."""
    path = offline.readmodel_path
    path.parent.mkdir(parents=True)
    ReadModelStore.open(path).close()  # read models exist, but empty
    result = offline.run("article", "nonexistent")
    assert (result.code, result.stdout) == (1, "")
    assert result.stderr.strip() == "newsfacts: no article 'nonexistent'"


def test_search_without_read_models_exits_1_saying_how_to_get_them(offline: Cli) -> None:
    """Before any projector ran, a query exits 1 and tells the user to run `newsfacts up` and publish."""
    result = offline.run("search", "x")
    assert result.code == 1
    assert result.stderr.startswith("newsfacts: no read models at ")
    assert "newsfacts up" in result.stderr
    assert "Traceback" not in result.stderr


def test_analyze_runs_every_stage_in_process_without_a_server(offline: Cli) -> None:
    """`analyze FILE --json` needs no server and shows every stage's event, the enriched facts among them."""
    out = offline.run("analyze", SEED_ARTICLE, "--json").json()
    assert out["origin"] == SEED_ARTICLE
    events = {e["type"]: e for e in out["events"]}
    assert list(events) == [f"article.{s}" for s in STAGE_STREAMS]
    enriched = events["article.enriched"]["data"]
    assert {"Xiaomi", "Tesla", "Elon Musk", "Zang Ziyuan"} <= {e["name"] for e in enriched["entities"]}
    assert [(m["text"], m["value"]) for m in enriched["money"]] == [("$10 billion", 1e10)]
    assert not (offline.data_dir / "server").exists(), "analyze must not start the embedded server"


def test_a_redis_url_that_is_not_redis_exits_2_with_a_clear_message(offline: Cli) -> None:
    """REDIS_URL=http://x is refused before anything runs, naming the setting and the schemes it takes."""
    result = offline.with_env(REDIS_URL="http://x").run("status")
    assert result.code == 2
    assert result.stderr.startswith("newsfacts: bad setting: REDIS_URL")
    assert "redis://" in result.stderr
    assert "Traceback" not in result.stderr

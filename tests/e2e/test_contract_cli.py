"""`newsfacts schemas` lists the shipped schemas; `newsfacts validate` checks the log against them."""

from __future__ import annotations

import orjson
import pytest
import redis

from services.common.envelope import encode
from services.common.names import Names
from services.projector.synthetic import ArticleSpec, article_events
from tests.e2e.conftest import REPO, Cli


def xadd(cli: Cli, url: str, stream: str, payload: bytes) -> str:
    client = redis.Redis.from_url(url)
    try:
        return str(client.xadd(Names(cli.prefix).stream(stream), {"event": payload}).decode())
    finally:
        client.close()


def test_schemas_lists_every_published_schema(offline: Cli) -> None:
    """`schemas --json` names each committed schema file, as shipped in the package."""
    listed = offline.run("schemas", "--json").json()
    assert sorted(s["file"] for s in listed) == sorted(p.name for p in (REPO / "schemas").glob("*.json"))


@pytest.mark.redis
def test_validate_passes_a_log_of_valid_events_and_bare_articles(cli: Cli, redis_url: str) -> None:
    """Every stage's event of an article, and a bare article added by hand, conform: exit 0."""
    for stream, event in article_events(ArticleSpec("a-ok", "Rates rise", "The bank raised rates.")):
        xadd(cli, redis_url, stream, encode(event))
    xadd(cli, redis_url, "submitted", orjson.dumps({"title": "By hand", "body": "XADD"}))
    result = cli.run("validate", "--json")
    report = result.json()
    assert (report["checked"], report["invalid"], report["problems"]) == (7, 0, [])
    assert report["streams"]["submitted"]["types"] == {"article.submitted": 2}
    assert report["streams"]["indexed"]["types"] == {"article.indexed": 1}


@pytest.mark.redis
def test_validate_names_each_entry_that_breaks_its_schema_and_exits_1(cli: Cli, redis_url: str) -> None:
    """An event whose data breaks its schema, a future version and garbage are each reported by entry."""
    events = dict(article_events(ArticleSpec("a-bad", "Rates rise", "The bank raised rates.")))
    cleaned = orjson.loads(encode(events["cleaned"]))
    cleaned["data"]["article"]["word_count"] = "many"
    bad = xadd(cli, redis_url, "cleaned", orjson.dumps(cleaned))
    future = {**cleaned, "dataschema": "urn:newsfacts:schema:article.cleaned:99"}
    unknown = xadd(cli, redis_url, "cleaned", orjson.dumps(future))
    garbage = xadd(cli, redis_url, "submitted", b"not json")
    result = cli.run("validate", "cleaned", "submitted")
    assert result.code == 1, result.stderr
    assert f"cleaned/{bad} article.cleaned: data/article/word_count: 'many' is not of type 'integer'" in (
        result.stdout
    )
    assert f"cleaned/{unknown} article.cleaned: no published schema article.cleaned.v99.json" in result.stdout
    assert f"submitted/{garbage} ?: not JSON" in result.stdout
    assert "2 checked, 2 invalid" in result.stdout


def test_validate_refuses_an_unknown_stream_name(offline: Cli) -> None:
    """A stream that is not a log stream is a usage error (exit 2), before connecting."""
    result = offline.run("validate", "nosuch")
    assert result.code == 2
    assert result.stderr.startswith("newsfacts: no log stream 'nosuch': choose from submitted,")

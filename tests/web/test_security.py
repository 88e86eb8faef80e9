"""Who may write, what is refused, and what never leaks: the API's guard rails on a real server."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import orjson
import pytest
import redis.asyncio as aioredis
from fastapi.testclient import TestClient

from services.common.deadletter import DeadLetterQueue, Failure
from services.common.settings import Settings
from services.common.topology import ensure_topology
from services.web import create_app
from services.web.security import UnsafeBinding
from tests.support import cli_env
from tests.web.conftest import HOSTILE_TEXT, HOSTILE_TITLE, TOKEN

pytestmark = pytest.mark.redis

ARTICLE = {"title": "Airbus wins order", "body": "Airbus said on Tuesday it had won an order for 40 jets."}


@pytest.fixture(scope="module")
def public(seeded: Settings) -> Iterator[TestClient]:
    """The app as bound to every interface (0.0.0.0), with the token set."""
    with TestClient(create_app(seeded, host="0.0.0.0"), base_url="http://news.example.org") as client:
        yield client


@pytest.fixture
def open_local(redis_url: str, seeded: Settings) -> Iterator[TestClient]:
    """The app on loopback with no token: writes are open to local processes, as the CLI's are."""
    settings = Settings(
        REDIS_URL=redis_url, data_dir=seeded.data_dir, prefix=seeded.prefix, max_article_bytes=2048
    )
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as client:
        yield client


async def length(settings: Settings, stream: str = "submitted") -> int:
    assert settings.redis_url is not None
    client = aioredis.Redis.from_url(settings.redis_url.get_secret_value())
    try:
        return int(await client.xlen(settings.names.stream(stream)))
    finally:
        await client.aclose()


def test_beyond_loopback_without_a_token_the_app_refuses_to_start(tmp_path: object) -> None:
    """create_app bound to 0.0.0.0 with no NEWSFACTS_API_TOKEN raises, naming what to set."""
    with pytest.raises(UnsafeBinding, match="NEWSFACTS_API_TOKEN"):
        create_app(Settings(data_dir=str(tmp_path)), host="0.0.0.0")


def test_serve_beyond_loopback_without_a_token_exits_2(seeded: Settings) -> None:
    """``newsfacts serve --host 0.0.0.0`` with no token stops at once with exit 2 and the reason."""
    env = cli_env(seeded)
    done = subprocess.run(
        [sys.executable, "-m", "services.cli", "serve", "--host", "0.0.0.0", "--port", "8999"],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert "NEWSFACTS_API_TOKEN" in done.stderr


def test_a_token_shorter_than_16_characters_is_refused() -> None:
    """A weak token is a bad setting, not a guard."""
    with pytest.raises(ValueError, match="at least 16"):
        Settings(api_token="short")


async def test_writes_beyond_loopback_need_the_token(public: TestClient, seeded: Settings) -> None:
    """No token or a wrong one is 401 and appends nothing; the right one publishes (202)."""
    before = await length(seeded)
    for headers in ({}, {"Authorization": "Bearer wrong-token-0123456789"}, {"Authorization": TOKEN}):
        reply = public.post("/api/articles", json=ARTICLE, headers=headers)
        assert reply.status_code == 401, headers
        assert reply.headers["www-authenticate"] == "Bearer"
    assert public.post("/api/dlq/retry", json={"all": True}).status_code == 401
    assert await length(seeded) == before
    reply = public.post("/api/articles", json=ARTICLE, headers={"Authorization": f"Bearer {TOKEN}"})
    assert reply.status_code == 202
    assert reply.json()["article_id"].startswith("a")
    assert await length(seeded) == before + 1


async def test_bad_articles_are_422_with_ingests_reason_and_nothing_is_published(
    open_local: TestClient, seeded: Settings
) -> None:
    """Each kind of bad body names its reason code, as ingest would record it; the log is untouched."""
    before = await length(seeded)
    cases = {
        b"[1, 2]": "not_an_object",
        b"{not json": "malformed_json",
        b'{"title": 5}': "invalid_field",
        b'{"url": "https://example.com/x"}': "missing_content",
        b'{"title": "\xff\xfe"}': "not_utf8",
    }
    for body, reason in cases.items():
        reply = open_local.post("/api/articles", content=body, headers={"Content-Type": "application/json"})
        assert reply.status_code == 422, body
        assert reply.json()["error"]["reason"] == reason
    assert await length(seeded) == before


async def test_bodies_over_the_limit_are_413_and_not_published(
    open_local: TestClient, seeded: Settings
) -> None:
    """A body larger than NEWSFACTS_MAX_ARTICLE_BYTES is refused before it is parsed."""
    before = await length(seeded)
    big = orjson.dumps({"title": "big", "body": "word " * 1000})
    reply = open_local.post("/api/articles", content=big, headers={"Content-Type": "application/json"})
    assert reply.status_code == 413
    assert "limit" in reply.json()["error"]
    assert await length(seeded) == before


def test_a_write_that_is_not_json_is_415(open_local: TestClient) -> None:
    """A cross-site form post (not application/json) is refused: no CSRF through a browser."""
    reply = open_local.post("/api/articles", data={"title": "x"})
    assert reply.status_code == 415


@pytest.mark.parametrize(
    "query",
    [{"q": ""}, {"q": '"" ( ) * ^ : -'}, {"q": "x" * 501}, {"q": "a", "limit": "0"},
     {"q": "a", "limit": "abc"}, {"q": "a", "limit": "101"}, {"q": "a", "since": "yesterday"},
     {"q": "a", "cursor": "not-a-cursor"}, {"q": "a", "since": "2024-02-01", "until": "2024-01-01"}],
)  # fmt: skip
def test_bad_search_parameters_are_400_with_a_message(open_local: TestClient, query: dict[str, str]) -> None:
    """Every parameter is checked: a bad one is a 400 saying what is wrong, never a 500."""
    reply = open_local.get("/api/search", params=query)
    assert reply.status_code == 400, query
    assert isinstance(reply.json()["error"], str) and reply.json()["error"]


@pytest.mark.parametrize("q", ['xiaomi AND "unclosed', "NEAR(xiaomi car)", "title:xiaomi", "xiao*", "-x OR"])
def test_full_text_syntax_in_a_query_is_searched_as_words(open_local: TestClient, q: str) -> None:
    """FTS5 operators and broken quotes are plain words: the search answers 200."""
    assert open_local.get("/api/search", params={"q": q}).status_code == 200


def test_a_hostile_headline_is_shown_as_text_on_every_page(open_local: TestClient) -> None:
    """An article titled with a <script> tag renders escaped: in search, on its page, on its entity's page."""
    hit = open_local.get("/api/search", params={"q": "Wuhan factory"}).json()["hits"][0]
    assert hit["title"] == HOSTILE_TITLE
    pages = [
        open_local.get("/search", params={"q": "Wuhan factory"}).text,
        open_local.get(f"/articles/{hit['article_id']}").text,
        open_local.get("/entities/Xiaomi").text,
    ]
    for html in pages:
        assert "&lt;script&gt;alert(" in html
        assert "<script>alert(" not in html and "<b>factory" not in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in pages[1] and HOSTILE_TEXT not in pages[1]


def test_a_host_header_other_than_loopback_is_refused_on_loopback(open_local: TestClient) -> None:
    """A page on another site resolving its name to 127.0.0.1 (DNS rebinding) cannot read the API."""
    assert open_local.get("/api/topics", headers={"Host": "evil.example"}).status_code == 400


def test_no_secret_in_pages_metrics_or_errors(redis_url: str, seeded: Settings) -> None:
    """With a password in REDIS_URL and a token set, no reply (even the server-down error) contains either."""
    password = "s3cret-redis-pw-9876"
    settings = Settings(
        REDIS_URL=f"redis://:{password}@127.0.0.1:1/0", data_dir=seeded.data_dir, prefix=seeded.prefix,
        api_token=TOKEN,
    )  # fmt: skip
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as client:
        replies = [client.get(p) for p in ("/", "/pipeline", "/api/pipeline", "/metrics", "/docs", "/nope")]
        replies.append(
            client.post("/api/articles", json=ARTICLE, headers={"Authorization": f"Bearer {TOKEN}"})
        )
    assert replies[2].status_code == 503 and replies[3].status_code == 503
    for reply in replies:
        assert password not in reply.text and TOKEN not in reply.text


async def test_dlq_retry_re_drives_a_dead_letter_as_the_cli_does(
    open_local: TestClient, seeded: Settings
) -> None:
    """A dead letter listed by /api/dlq is re-driven by POST /api/dlq/retry into its stage's input stream."""
    assert seeded.redis_url is not None
    client = aioredis.Redis.from_url(seeded.redis_url.get_secret_value())
    try:
        await ensure_topology(client, seeded.names)
        queue = DeadLetterQueue(client, seeded.names, "classify", "classify")
        failure = Failure("", b'{"not": "an event"}', "a-dead-article", "bad_envelope", "boom", True)
        await queue.bury([failure], {})
        letters = open_local.get("/api/dlq").json()
        assert [d["stage"] for d in letters] == ["classify"]
        before = await length(seeded, "cleaned")
        assert open_local.post("/api/dlq/retry", json={"id": "classify/1-0"}).status_code == 404
        assert open_local.post("/api/dlq/retry", json={"id": "bad id"}).status_code == 400
        reply = open_local.post("/api/dlq/retry", json={"id": letters[0]["key"]})
        assert reply.status_code == 200 and reply.json() == {"retried": 1}
        assert open_local.get("/api/dlq").json() == []
        assert await length(seeded, "cleaned") == before + 1
    finally:
        await client.aclose()


def test_history_without_a_server_is_the_index_alone(redis_url: str, seeded: Settings) -> None:
    """With Redis unreachable, history still lists the applied events (their data null), not a 500."""
    settings = Settings(REDIS_URL="redis://127.0.0.1:1/0", data_dir=seeded.data_dir, prefix=seeded.prefix)
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as client:
        hit = client.get("/api/search", params={"q": "Wuhan factory"}).json()["hits"][0]
        reply = client.get(f"/api/articles/{hit['article_id']}/history")
    assert reply.status_code == 200
    assert reply.json()["history"] and all(h["data"] is None for h in reply.json()["history"])

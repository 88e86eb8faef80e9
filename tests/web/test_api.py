"""The JSON API over read models built by the real projector from the seeds, on a real server."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from services.ingest.logic import ingest, validate
from tests.web.conftest import HOSTILE_TITLE, RETRACTED

pytestmark = pytest.mark.redis


def xiaomi_article(api: TestClient) -> dict[str, object]:
    hits = api.get("/api/search", params={"q": "Xiaomi electric cars"}).json()["hits"]
    first: dict[str, object] = hits[0]
    return first


def test_search_finds_the_seed_article_and_marks_the_words_it_matched(api: TestClient) -> None:
    """A search names the article, scores it, and its snippet brackets the hits, as the CLI's does."""
    reply = api.get("/api/search", params={"q": "Xiaomi mass production"})
    assert reply.status_code == 200
    body = reply.json()
    assert body["total"] >= 1
    assert "Xiaomi" in body["hits"][0]["title"]
    assert "[" in body["hits"][0]["snippet"]
    assert {f["label"] for f in body["entities"]} >= {"Xiaomi"}


def test_search_filters_by_entity_topic_and_date(api: TestClient) -> None:
    """Filters narrow the hits: the hostile headline is the only Xiaomi article of March 2024."""
    everything = api.get("/api/search", params={"q": "Xiaomi"}).json()
    narrowed = api.get(
        "/api/search", params={"q": "Xiaomi", "since": "2024-03-01", "until": "2024-03-31"}
    ).json()
    assert narrowed["total"] == 1 < everything["total"]
    assert narrowed["hits"][0]["title"] == HOSTILE_TITLE
    topic = everything["topics"][0]["value"]
    by_topic = api.get("/api/search", params={"q": "Xiaomi", "topic": topic}).json()
    assert 1 <= by_topic["total"] <= everything["total"]
    nobody = api.get("/api/search", params={"q": "Xiaomi", "entity": "No Such Person"}).json()
    assert nobody["total"] == 0 and nobody["hits"] == []


def test_search_pages_with_a_cursor_without_repeating_a_hit(api: TestClient) -> None:
    """limit=1 and next_cursor walk the hits one by one: the pages together are the whole result."""
    whole = api.get("/api/search", params={"q": "markets trade tariffs yen", "limit": 100}).json()
    seen, cursor = [], None
    while True:
        page = api.get("/api/search", params={"q": "markets trade tariffs yen", "limit": 1, "cursor": cursor})
        seen += [h["article_id"] for h in page.json()["hits"]]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break
    assert seen == [h["article_id"] for h in whole["hits"]] and len(seen) == whole["total"] > 1


def test_article_has_facts_entities_amounts_dates_tone_and_lineage(api: TestClient) -> None:
    """The article view carries every stage's facts about it."""
    found = xiaomi_article(api)
    view = api.get(f"/api/articles/{found['article_id']}").json()
    assert view["title"] == found["title"]
    assert any(e["name"] == "Xiaomi" for e in view["entities"])
    assert any(m["currency"] == "USD" for m in view["money"])
    assert view["dates"] and view["tone"] is not None and view["topics"]
    assert [s["stage"] for s in view["lineage"]][:1] and view["retracted"] is None
    assert "story_members" in view


def test_history_and_lineage_of_an_article(api: TestClient) -> None:
    """History lists each applied event with its data from the log; lineage is a tree from the submission."""
    article_id = xiaomi_article(api)["article_id"]
    history = api.get(f"/api/articles/{article_id}/history").json()["history"]
    assert {h["type"] for h in history} >= {"article.ingested", "article.indexed"}
    assert all(h["data"] is not None for h in history)
    tree = api.get(f"/api/articles/{article_id}/lineage").json()
    assert tree["roots"][0]["type"] == "article.submitted"


def test_entity_page_has_articles_months_and_co_mentions(api: TestClient) -> None:
    """An entity by name: its articles, their months, and who else they name."""
    page = api.get("/api/entities/xiaomi").json()
    assert page["name"] == "Xiaomi" and page["article_count"] >= 2
    assert sum(m["count"] for m in page["months"]) >= 1
    assert all(f["value"] != page["id"] for f in page["co_mentioned"])


def test_topics_topic_and_story(api: TestClient) -> None:
    """Topics are counted; a topic lists its articles; an article's story includes it."""
    topics = api.get("/api/topics").json()
    assert topics and all(t["articles"] >= 1 for t in topics)
    listed = api.get(f"/api/topics/{topics[0]['code']}").json()["articles"]
    assert len(listed) == topics[0]["articles"] or len(listed) == 50
    article_id = listed[0]["article_id"]
    story = api.get(f"/api/stories/{article_id}").json()
    assert article_id in [m["article_id"] for m in story["members"]]


@pytest.mark.parametrize(
    "path",
    ["/api/articles/nope", "/api/articles/nope/history", "/api/articles/nope/lineage", "/api/stories/nope",
     "/api/entities/Nobody%20At%20All", "/api/topics/no-such-topic"],
)  # fmt: skip
def test_unknown_ids_are_404_with_a_reason(api: TestClient, path: str) -> None:
    """An id nobody knows is a 404 naming it, never an empty 200 or a 500."""
    reply = api.get(path)
    assert reply.status_code == 404
    assert "no " in reply.json()["error"]


def test_pipeline_shows_every_stage_with_its_groups_and_the_projector(api: TestClient) -> None:
    """Per partition and stage: lag, pending, consumers, dead letters; the projector has applied the log."""
    snap = api.get("/api/pipeline").json()
    part = snap["partitions"][0]
    assert [s["stage"] for s in part["stages"]] == ["ingest", "clean", "classify", "enrich", "index"]
    assert all(s["lag"] == 0 and s["pending"] == 0 and s["dead_letters"] == 0 for s in part["stages"])
    assert {s["stream"]: s["length"] for s in part["streams"]}[
        "submitted"
    ] == 20  # 18 seeds, the hostile one, a retraction
    assert snap["projector"]["behind"] == 0
    assert all(s["waiting_ms"] is None for s in snap["projector"]["streams"])
    assert (snap["projector"]["restarts"], snap["projector"]["last_error"]) == (0, "")


def test_openapi_documents_every_endpoint(api: TestClient) -> None:
    """/docs is served (offline assets) and the schema lists each endpoint of the API."""
    assert api.get("/docs").status_code == 200
    paths = set(api.get("/openapi.json").json()["paths"])
    assert {
        "/api/search", "/api/articles/{article_id}", "/api/articles/{article_id}/history",
        "/api/articles/{article_id}/lineage", "/api/entities/{name}", "/api/topics", "/api/topics/{topic}",
        "/api/stories/{article_id}", "/api/pipeline", "/api/articles", "/api/dlq", "/api/dlq/retry",
    } <= paths  # fmt: skip


def test_metrics_read_every_stage_from_redis(api: TestClient) -> None:
    """One scrape shows each stage's lag, pending, consumers, dead letters, parked and the projector lag."""
    text = api.get("/metrics").text
    for stage in ("ingest", "clean", "classify", "enrich", "index"):
        assert f'newsfacts_stage_lag{{partition="0",stage="{stage}"}} 0.0' in text
        assert f'newsfacts_stage_dead_letters{{partition="0",stage="{stage}"}} 0.0' in text
    assert 'newsfacts_stream_length{partition="0",stream="submitted"} 20.0' in text
    assert 'newsfacts_projector_lag{partition="0",stream="indexed"} 0.0' in text
    assert 'newsfacts_projector_lag_seconds{partition="0",stream="indexed"} 0.0' in text


def test_a_retracted_article_says_so_and_is_not_searchable(api: TestClient) -> None:
    """The article answers with its retraction (reason, time); search no longer finds it; its page says so."""
    article_id = ingest(validate(RETRACTED)).article_id
    view = api.get(f"/api/articles/{article_id}").json()
    assert view["retracted"]["reason"] == "a test retraction"
    hits = api.get("/api/search", params={"q": "Yen Slides Japan Election"}).json()["hits"]
    assert article_id not in [h["article_id"] for h in hits]
    assert "Retracted" in api.get(f"/articles/{article_id}").text

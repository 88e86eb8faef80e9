"""The web UI's pages, rendered from the seeded read models: each answers, and each links to the others."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.redis


def links(html: str) -> set[str]:
    return set(re.findall(r'href="(/[^"]*)"', html))


def test_every_page_answers_and_links_onwards(api: TestClient) -> None:
    """Home -> search -> article -> entity -> topic -> story: each page is 200 and links to the next kind."""
    home = api.get("/")
    assert home.status_code == 200 and any(h.startswith("/topics/") for h in links(home.text))
    assert any(h.startswith("/articles/") for h in links(home.text))  # the latest articles
    search = api.get("/search", params={"q": "Xiaomi"})
    assert search.status_code == 200 and "<mark>Xiaomi</mark>" in search.text
    article = next(h for h in links(search.text) if h.startswith("/articles/"))
    page = api.get(article)
    entity = next(h for h in links(page.text) if h.startswith("/entities/"))
    topic = next(h for h in links(page.text) if h.startswith("/topics/"))
    entity_page = api.get(entity)
    assert entity_page.status_code == 200 and "<svg" in entity_page.text
    assert any(h.startswith("/articles/") for h in links(entity_page.text))
    assert api.get(topic).status_code == 200
    assert api.get("/stories/" + article.removeprefix("/articles/")).status_code == 200
    assert api.get("/pipeline").status_code == 200 and api.get("/topics").status_code == 200


def test_search_facets_narrow_the_results(api: TestClient) -> None:
    """A facet link is a search with that filter, and shows fewer or as many hits."""
    search = api.get("/search", params={"q": "Xiaomi"}).text
    facet = next(h for h in links(search) if "entity=" in h)
    narrowed = api.get(facet.replace("&amp;", "&"))
    assert narrowed.status_code == 200 and "remove this filter" in narrowed.text


def test_unknown_pages_are_404_pages_with_a_way_back(api: TestClient) -> None:
    """An unknown article or entity is a 404 page that links home."""
    for path in ("/articles/nope", "/entities/Nobody%20At%20All", "/topics/none", "/stories/nope"):
        reply = api.get(path)
        assert reply.status_code == 404 and 'href="/"' in reply.text

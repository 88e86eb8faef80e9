"""The web's only door to the read store: open a reader for the configured store, and the calls it makes.

Everything the API and the pages read goes through ``Reader``; when the read store gets an
interface of its own (SQLite or PostgreSQL), this file is the one to change.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass

from services.common.settings import Settings
from services.projector import audit, facets, queries
from services.projector.facets import EntityContext, RecentArticle, SearchFilter, SearchPage
from services.projector.store import ReadModelStore
from services.projector.views import (
    ArticleView,
    EntityPage,
    HistoryItem,
    LineageTree,
    RetractionView,
    StoryCluster,
    StoryMember,
    TopicArticle,
    TopicCount,
)


class NoReadStore(RuntimeError):
    """The read models do not exist yet (the projector has not run)."""


class StoreQueryError(ValueError):
    """The store refused a query (e.g. a search expression it cannot run)."""


@dataclass(frozen=True, slots=True)
class ArticlePage:
    """What an article's page and its API answer show."""

    article_id: str
    view: ArticleView | None  # None once retracted
    retracted: RetractionView | None
    siblings: tuple[StoryMember, ...]


class Reader:
    """Read-only calls on one open connection to the read models."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def search(
        self, query: str, narrow: SearchFilter, limit: int, offset: int, mark: tuple[str, str]
    ) -> SearchPage:
        try:
            return facets.search_page(self._conn, query, narrow, limit=limit, offset=offset, mark=mark)
        except sqlite3.OperationalError as exc:  # defence in depth: the text is never FTS5 syntax
            raise StoreQueryError(f"the search could not run: {exc}") from None

    def article(self, article_id: str) -> ArticleView | None:
        return queries.article(self._conn, article_id)

    def article_page(self, article_id: str) -> ArticlePage | None:
        """The article, what retracted it and the other members of its story; None if nothing names it."""
        view, gone = self.article(article_id), self.retraction(article_id)
        if view is None and gone is None:
            return None
        cluster = self.story(article_id)
        others = tuple(m for m in cluster.members if m.article_id != article_id) if cluster else ()
        return ArticlePage(article_id, view, gone, others)

    def retraction(self, article_id: str) -> RetractionView | None:
        return audit.retraction(self._conn, article_id)

    def history(self, article_id: str) -> list[HistoryItem]:
        return audit.history(self._conn, article_id)

    def lineage(self, article_id: str) -> LineageTree | None:
        return audit.lineage(self._conn, article_id)

    def story(self, article_id: str) -> StoryCluster | None:
        return queries.story(self._conn, article_id)

    def entity(self, name_or_id: str, limit: int) -> EntityPage | None:
        return queries.entity(self._conn, name_or_id, limit=limit)

    def entity_context(self, entity_id: str) -> EntityContext:
        return facets.entity_context(self._conn, entity_id)

    def latest(self, limit: int) -> list[RecentArticle]:
        return facets.latest(self._conn, limit)

    def topics(self) -> list[TopicCount]:
        return queries.topics(self._conn)

    def topic_articles(self, topic: str, limit: int) -> list[TopicArticle]:
        return queries.topic_articles(self._conn, topic, limit=limit)

    def counters(self) -> dict[str, int]:
        return queries.counters(self._conn)

    def positions(self) -> dict[str, str]:
        """Stream short name -> the last entry id the projector applied ('0-0' for none)."""
        return ReadModelStore(self._conn).positions()  # a read: the store class only SELECTs here


@contextmanager
def reader(settings: Settings) -> Iterator[Reader]:
    """A reader on the live read models; ``NoReadStore`` when the projector has not made them yet."""
    path = settings.readmodel_path
    if not path.exists():
        raise NoReadStore("no read models yet: run the projector (newsfacts up) and publish articles")
    with closing(queries.connect_readonly(path)) as conn:
        yield Reader(conn)

"""The JSON API under ``/api``: read models, the pipeline, dead letters, and publishing."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, HTTPException, Path, Request
from pydantic import BaseModel, Field
from redis.exceptions import RedisError

from services.common.deadletter import list_dead, retry
from services.common.events.intake import ArticleSubmittedV1
from services.replay.log import fetch
from services.web import params, publishing
from services.web.deps import Store, found, pipeline_snapshot, read_store, settings_of
from services.web.readstore import StoreQueryError
from services.web.security import require_writer

router = APIRouter(prefix="/api")
ArticleId = Annotated[str, Path(min_length=1, max_length=200)]
Name = Annotated[str, Path(min_length=1, max_length=200)]


@router.get("/search", summary="Ranked full-text search with filters, facets and paging")
def search(
    store: Store,
    q: params.SearchText,
    topic: params.Topic = None,
    entity: params.Entity = None,
    since: params.Since = None,
    until: params.Until = None,
    limit: params.Limit = 20,
    cursor: params.Cursor = None,
) -> dict[str, Any]:
    """Articles matching every word of ``q`` (any word if none match all), best first; snippets mark
    hits as ``[word]``. ``next_cursor`` fetches the next page."""
    offset = params.offset_of(cursor)
    narrow = params.search_filter(topic, entity, since, until)
    try:
        page = store.search(params.searchable(q), narrow, limit, offset, ("[", "]"))
    except StoreQueryError as exc:
        raise HTTPException(400, str(exc)) from None
    more = offset + len(page.hits) < page.total
    return {**page.to_dict(), "next_cursor": params.cursor_for(offset + limit) if more else None}


@router.get("/articles/{article_id}", summary="An article: facts, entities, amounts, dates, tone, story")
def article(store: Store, article_id: ArticleId) -> dict[str, Any]:
    page = found(store.article_page(article_id), f"no article {article_id!r}")
    out: dict[str, Any] = page.view.to_dict() if page.view else {"article_id": article_id}
    out["story_members"] = [m.to_dict() for m in page.siblings]
    out["retracted"] = page.retracted.to_dict() if page.retracted else None
    return out


@router.get("/articles/{article_id}/history", summary="Every fact about an article, older versions too")
async def history(request: Request, article_id: ArticleId) -> dict[str, Any]:
    """The applied events, oldest first, each with its data from the log (null if the log is unreachable)."""
    items = await read_store(request, lambda s: s.history(article_id))
    if not items:
        raise HTTPException(404, f"no article {article_id!r}")
    settings = settings_of(request)
    try:
        client = request.app.state.redis.client()
        found = await fetch(client, settings.names, [(i.stream, i.entry_id) for i in items])
    except (HTTPException, RedisError):  # no server: the index alone, as the CLI shows it
        found = {}
    events = {key: entry.event for key, entry in found.items()}
    rows = [
        {**i.to_dict(), "data": e.data if (e := events.get((i.stream, i.entry_id))) else None} for i in items
    ]
    return {"article_id": article_id, "history": rows}


@router.get("/articles/{article_id}/lineage", summary="The events behind an article as a tree of causes")
def lineage(store: Store, article_id: ArticleId) -> dict[str, Any]:
    return found(store.lineage(article_id), f"no article {article_id!r}").to_dict()


@router.get("/entities/{name:path}", summary="An entity: aliases, tone, articles, months, co-mentions")
def entity(store: Store, name: Name, limit: params.Limit = 50) -> dict[str, Any]:
    page = found(store.entity(name, limit), f"no entity named {name!r}")
    return {**page.to_dict(), **store.entity_context(page.id).to_dict()}


@router.get("/topics", summary="Every topic with its number of articles")
def topics(store: Store) -> list[dict[str, Any]]:
    return [t.to_dict() for t in store.topics()]


@router.get("/topics/{topic:path}", summary="The articles of a topic (IPTC code or label), newest first")
def topic(store: Store, topic: Name, limit: params.Limit = 50) -> dict[str, Any]:
    articles = found(store.topic_articles(topic, limit) or None, f"no articles under topic {topic!r}")
    return {"topic": topic, "articles": [a.to_dict() for a in articles]}


@router.get("/stories/{article_id}", summary="An article's story cluster: rewrites of the same text")
def story(store: Store, article_id: ArticleId) -> dict[str, Any]:
    return found(store.story(article_id), f"no article {article_id!r}").to_dict()


@router.get("/pipeline", summary="Per partition and stage: lengths, lag, pending, consumers, DLQ, rates")
async def pipeline(request: Request) -> dict[str, Any]:
    return await pipeline_snapshot(request)


@router.get("/dlq", summary="Dead letters, per stage in pipeline order, oldest first")
async def dead_letters(request: Request) -> list[dict[str, Any]]:
    letters = await list_dead(request.app.state.redis.client(), settings_of(request).names)
    return [d.to_dict() for d in letters]


class RetryRequest(BaseModel):
    """One dead letter (``STAGE/ENTRY-ID`` as listed) or every one."""

    id: str | None = Field(default=None, max_length=200, pattern=r"^[a-z]+/\d+-\d+$")
    all: bool = False


@router.post("/dlq/retry", summary="Re-drive a dead letter and what is parked behind it (as dlq retry)")
async def retry_dead(
    request: Request, body: Annotated[RetryRequest, Body()], _: Annotated[None, Depends(require_writer)]
) -> dict[str, int]:
    if (body.id is None) == (not body.all):
        raise HTTPException(400, "give one dead-letter id or all: true")
    try:
        moved = await retry(request.app.state.redis.client(), settings_of(request).names, body.id)
    except KeyError:
        raise HTTPException(404, f"no dead letter {body.id!r}") from None
    return {"retried": moved}


_ARTICLE_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": ArticleSubmittedV1.model_json_schema()}},
    }
}


@router.post(
    "/articles",
    status_code=202,
    summary="Publish one article (checked as newsfacts publish checks it)",
    openapi_extra=_ARTICLE_BODY,
)
async def publish(request: Request, _: Annotated[None, Depends(require_writer)]) -> dict[str, str]:
    """Body: an article object (``title``, ``body`` or ``html``, ``url?``, ``source?``, ``published_at?``,
    ``language?``). 413 over ``NEWSFACTS_MAX_ARTICLE_BYTES``; 422 with ingest's reason when invalid."""
    settings = settings_of(request)
    raw = await publishing.read_body(request, settings.max_article_bytes)
    done = await publishing.publish_one(request.app.state.redis.client(), settings, raw)
    return {"article_id": done.article_id, "event_id": done.event_id, "correlation_id": done.correlation_id}

"""The web UI: server-rendered pages over the same reader and snapshot as the API."""

from __future__ import annotations

from importlib.resources import files
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from services.web import charts, params
from services.web.deps import Store, found, settings_of
from services.web.readstore import Reader, StoreQueryError

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(files("services.web") / "templates"))
#: Marks the search puts around hits: private-use characters, replaced by <mark> after escaping.
MARK = ("\ue000", "\ue001")


def highlight(snippet: str) -> Markup:
    """The snippet escaped as HTML, with its hits in ``<mark>``."""
    return Markup(str(escape(snippet)).replace(MARK[0], "<mark>").replace(MARK[1], "</mark>"))


templates.env.filters["highlight"] = highlight


def page(request: Request, name: str, status: int = 200, **context: Any) -> Response:
    guard = request.app.state.guard
    return templates.TemplateResponse(
        request, name, {"token_required": guard.required, **context}, status_code=status
    )


def error_page(request: Request, status: int, detail: object) -> Response:
    message = detail if isinstance(detail, str) else str(detail)
    return page(request, "error.html", status=status, status_code=status, message=message)


def front(request: Request, store: Reader) -> Response:
    """The front page: a search box, the newest articles, the topics."""
    return page(request, "home.html", topics=store.topics()[:17], counters=store.counters(),
                latest=store.latest(12))  # fmt: skip


@router.get("/")
def home(request: Request, store: Store) -> Response:
    return front(request, store)


@router.get("/search")
def search(
    request: Request,
    store: Store,
    q: str = "",
    topic: params.Topic = None,
    entity: params.Entity = None,
    since: params.Since = None,
    until: params.Until = None,
    cursor: params.Cursor = None,
) -> Response:
    if len(q) > 500:
        raise HTTPException(400, "the query is longer than 500 characters")
    if not q.strip():
        return front(request, store)
    narrow = params.search_filter(topic, entity, since, until)
    offset = params.offset_of(cursor)
    try:
        results = store.search(params.searchable(q), narrow, 20, offset, MARK)
    except StoreQueryError as exc:
        raise HTTPException(400, str(exc)) from None
    current = {"q": q, "topic": topic, "entity": entity, "since": narrow.since, "until": narrow.until}

    def link(**change: str | None) -> str:
        merged = {k: v for k, v in {**current, **change}.items() if v}
        return "/search?" + urlencode(merged)

    more = offset + len(results.hits) < results.total
    nxt = link(cursor=params.cursor_for(offset + 20)) if more else None
    return page(request, "search.html", q=q, found=results, current=current, link=link, next_link=nxt,
                offset=offset)  # fmt: skip


@router.get("/articles/{article_id}")
def article(request: Request, store: Store, article_id: str) -> Response:
    got = found(store.article_page(article_id), f"no article {article_id!r}")
    return page(request, "article.html", view=got.view, gone=got.retracted, article_id=article_id,
                siblings=got.siblings)  # fmt: skip


@router.get("/entities/{name:path}")
def entity(request: Request, store: Store, name: str) -> Response:
    page_of = found(store.entity(name[:200], 100), f"no entity named {name!r}")
    context = store.entity_context(page_of.id)
    points = charts.months_between([(m.value, m.count) for m in context.months])
    return page(request, "entity.html", entity=page_of, context=context, bars=charts.bars(points),
                chart=(charts.WIDTH, charts.HEIGHT))  # fmt: skip


@router.get("/topics")
def topics(request: Request, store: Store) -> Response:
    return page(request, "topics.html", topics=store.topics())


@router.get("/topics/{topic:path}")
def topic(request: Request, store: Store, topic: str) -> Response:
    articles = found(store.topic_articles(topic[:200], 100) or None, f"no articles under topic {topic!r}")
    label = next(
        (t.label for t in store.topics() if t.code == topic or t.label.lower() == topic.lower()), topic
    )
    return page(request, "topic.html", topic=topic, label=label, articles=articles)


@router.get("/stories/{article_id}")
def story(request: Request, store: Store, article_id: str) -> Response:
    cluster = found(store.story(article_id), f"no article {article_id!r}")
    return page(request, "story.html", cluster=cluster)


@router.get("/pipeline")
def pipeline(request: Request) -> Response:
    return page(request, "pipeline.html", partitions=settings_of(request).partitions)

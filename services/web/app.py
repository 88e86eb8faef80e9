"""``create_app(settings)``: API, pages and ``/metrics`` in one FastAPI app; clients made in its lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from importlib.resources import files

import structlog
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from redis.exceptions import RedisError
from starlette.exceptions import HTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from services.common.settings import Settings
from services.publish.publisher import producer_version
from services.web import api, metrics, pages
from services.web.backend import RedisHandle
from services.web.rates import RateTracker
from services.web.readstore import NoReadStore
from services.web.security import LOOPBACK_HOSTS, WriteGuard, is_loopback

_STRICT = (
    "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
#: Swagger UI starts itself with an inline script.
_DOCS = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline';"
    " img-src 'self' data:"
)


def create_app(settings: Settings, *, host: str = "127.0.0.1") -> FastAPI:
    """The web app for a server bound to ``host``; ``UnsafeBinding`` beyond loopback without a token."""
    guard = WriteGuard.for_binding(settings, host)
    redis = RedisHandle(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await redis.close()

    app = FastAPIOffline(
        title="newsfacts",
        version=producer_version(),
        description="Facts learned from news articles: search, articles, entities, topics, stories, "
        "the pipeline; publish articles.",
        lifespan=lifespan,
        static_url="/static/docs",
    )
    app.state.settings, app.state.guard, app.state.redis = settings, guard, redis
    app.state.rates = RateTracker()
    if is_loopback(host):
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(LOOPBACK_HOSTS))
    app.middleware("http")(_headers)
    app.mount("/static/site", StaticFiles(directory=str(files("services.web") / "static")), name="static")
    app.include_router(api.router)
    app.include_router(metrics.router)
    app.include_router(pages.router)
    _errors(app)
    return app


async def _headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    response = await call_next(request)
    docs = request.url.path.startswith(("/docs", "/redoc"))
    response.headers.setdefault("Content-Security-Policy", _DOCS if docs else _STRICT)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    return response


def _errors(app: FastAPI) -> None:
    log = structlog.get_logger().bind(stage="web")

    def reply(
        request: Request, status: int, detail: object, headers: dict[str, str] | None = None
    ) -> Response:
        if request.url.path.startswith("/api/") or request.url.path == "/metrics":
            return JSONResponse({"error": detail}, status_code=status, headers=headers)
        return pages.error_page(request, status, detail)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        return reply(request, exc.status_code, exc.detail, dict(exc.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def bad_parameter(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0]
        where = " ".join(str(p) for p in first.get("loc", ()))
        return reply(request, 400, f"{where}: {first.get('msg', 'invalid')}")

    @app.exception_handler(NoReadStore)
    async def no_store(request: Request, exc: NoReadStore) -> Response:
        return reply(request, 503, str(exc))

    @app.exception_handler(RedisError)
    async def no_redis(request: Request, exc: RedisError) -> Response:
        log.warning("redis request failed", error_type=type(exc).__name__)  # its text may name the host
        return reply(request, 503, "the Redis server cannot be reached or refused the request; try again")

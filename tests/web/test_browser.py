"""The web UI in a real browser: headless Chromium (Debian's ``chromium``) driven by Playwright.

A journalist's path (search a seed entity, open an article, follow an entity link) and an
operator's (publish through the API, watch the pipeline page change without a reload), on a
real ``uvicorn`` server over the real pipeline. Skipped, with the reason, where no Chromium is
installed; in CI (``CI`` set) its absence is a failure, never a silent skip.
``NEWSFACTS_SCREENSHOTS=docs/screenshots`` keeps a screenshot of each page there.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
import pytest_asyncio
import redis.asyncio as aioredis
import uvicorn
from playwright.async_api import Browser, Page, async_playwright, expect

from services.common.deadletter import DeadLetterQueue, Failure
from services.common.settings import Settings
from services.stages import STAGES as STAGE_DEFS
from services.web import create_app
from tests.integration.live import pipeline
from tests.web.conftest import HOSTILE_TITLE, drop_keys, publish_seeds, web_settings

CHROMIUM = (
    os.environ.get("NEWSFACTS_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
)
if CHROMIUM is None and os.environ.get("CI"):
    raise RuntimeError(
        "CI must run the browser tests: install Debian's chromium (.ci/run does: apt-get install)"
    )

pytestmark = [
    pytest.mark.redis,
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None, reason="no Chromium: apt-get install chromium (or NEWSFACTS_CHROMIUM)"
    ),
    pytest.mark.asyncio(loop_scope="module"),
]
SHOTS = os.environ.get("NEWSFACTS_SCREENSHOTS")


@dataclass
class Live:
    """A served app over a running pipeline, and a browser."""

    base: str
    settings: Settings
    browser: Browser


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def live(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Live]:
    """Workers and the projector running, the seeds projected, ``uvicorn`` serving the app, Chromium up."""
    settings = web_settings(redis_url, tmp_path_factory.mktemp("browser"))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port,
                                           log_config=None, access_log=False))  # fmt: skip
    async with pipeline(settings, STAGE_DEFS.values()):
        await publish_seeds(settings)
        serving = asyncio.create_task(server.serve())
        while not server.started:
            assert not serving.done(), "uvicorn stopped before it started"
            await asyncio.sleep(0.02)
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            try:
                yield Live(f"http://127.0.0.1:{port}", settings, browser)
            finally:
                await browser.close()
                server.should_exit = True
                await serving
    await drop_keys(settings)


#: Messages of every alert/confirm/prompt a page opened: a script from an article ran if any.
DIALOGS: list[str] = []


async def new_page(live: Live, width: int = 1280, height: int = 900) -> Page:
    page = await live.browser.new_page(viewport={"width": width, "height": height})
    page.on("dialog", lambda d: DIALOGS.append(d.message))
    return page


async def shot(page: Page, name: str) -> None:
    """Keep a screenshot of the page under ``NEWSFACTS_SCREENSHOTS`` (Playwright makes the folder)."""
    if SHOTS:
        await page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


async def test_search_a_seed_entity_open_an_article_and_follow_an_entity_link(live: Live) -> None:
    """From home: search Xiaomi, open the seed article, click its Xiaomi chip, see the entity page."""
    page = await new_page(live)
    await page.goto(live.base + "/")
    await expect(page.locator("h1")).to_contain_text("What the news says")
    await shot(page, "home")
    await page.locator("form.find.big input[name=q]").fill("Xiaomi electric")
    await page.keyboard.press("Enter")
    await expect(page.locator("li.hit mark").first).to_be_visible()
    await shot(page, "search")
    await page.locator("li.hit h2 a", has_text="Xiaomi").first.click()
    await expect(page.locator("article h1")).to_contain_text("Xiaomi")
    await expect(page.locator("aside.facts a.chip", has_text="Xiaomi").first).to_be_visible()
    await shot(page, "article")
    await page.locator("aside.facts a.chip", has_text="Xiaomi").first.click()
    await expect(page.locator("h1")).to_have_text("Xiaomi")
    await expect(page.locator("svg.chart rect").first).to_be_attached()
    await shot(page, "entity")
    await page.locator("nav a", has_text="Topics").click()
    await page.locator("ul.topics a").first.click()
    await expect(page.locator("ul.list li").first).to_be_visible()
    await shot(page, "topic")
    assert DIALOGS == []


async def test_a_hostile_headline_is_text_in_the_browser(live: Live) -> None:
    """The <script> headline shows as its characters, and no script of it runs (no dialog opens)."""
    page = await new_page(live)
    await page.goto(live.base + "/search?q=Wuhan+factory")
    await expect(page.locator("li.hit h2 a").first).to_have_text(HOSTILE_TITLE)
    await page.locator("li.hit h2 a").first.click()
    await expect(page.locator("article h1")).to_have_text(HOSTILE_TITLE)
    assert DIALOGS == []


async def test_the_article_page_fits_a_phone_screen(live: Live) -> None:
    """At 390 px wide nothing scrolls sideways: the facts column moves under the text."""
    page = await new_page(live, 390, 844)
    await page.goto(live.base + "/search?q=Xiaomi+electric")
    await page.locator("li.hit h2 a").first.click()
    await page.locator("article h1").wait_for()
    overflow = await page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    await shot(page, "article-phone")


async def test_publish_through_the_api_and_watch_the_pipeline_page_change(live: Live) -> None:
    """The pipeline page counts the new submission, then the projector catching up, without a reload."""
    page = await new_page(live)
    await page.goto(live.base + "/pipeline")
    submitted = page.locator("tr[data-stream=submitted] td[data-field=length]")
    indexed = page.locator("tr[data-stream=indexed] td[data-field=length]")
    await expect(submitted).to_have_text("19")
    before = int(await indexed.inner_text())
    await page.evaluate("window.notReloaded = true")
    article = {
        "title": "Sony unveils a robot",
        "body": "Sony said on Friday its new robot would ship in May.",
    }
    reply = await page.request.post(live.base + "/api/articles", data=article)
    assert reply.status == 202
    await expect(submitted).to_have_text("20", timeout=20_000)
    await expect(indexed).to_have_text(str(before + 1), timeout=30_000)
    await expect(page.locator("tr[data-stream=indexed] td[data-field=behind]")).to_have_text(
        "0", timeout=30_000
    )
    assert await page.evaluate("window.notReloaded") is True
    await expect(page.locator("#projector")).to_contain_text("Projector: running, 0 entries behind")
    await shot(page, "pipeline")
    article_id = (await reply.json())["article_id"]
    await page.goto(f"{live.base}/stories/{article_id}")
    await expect(page.locator("ul.list li")).to_contain_text(["Sony unveils a robot"])
    await shot(page, "story")


async def test_a_dead_letter_is_retried_from_the_pipeline_page(live: Live) -> None:
    """A dead letter appears in the page's list; its Retry button re-drives it and the list empties.

    The letter is an event index has already done (a copy of one from its input stream), so the
    re-driven entry is skipped by the commit guard instead of failing again.
    """
    assert live.settings.redis_url is not None
    client = aioredis.Redis.from_url(live.settings.redis_url.get_secret_value())
    try:
        names = live.settings.names
        ((_, fields),) = await client.xrange(names.input_stream("index"), count=1)
        queue = DeadLetterQueue(client, names, "index", "index")
        failure = Failure("", fields[b"event"], "an-article", "worker_error", "it broke once", False)
        await queue.bury([failure], {})
        page = await new_page(live)
        await page.goto(live.base + "/pipeline")
        row = page.locator("#dlq tbody tr")
        await expect(row).to_have_count(1, timeout=10_000)
        await expect(row).to_contain_text("worker_error")
        await expect(page.locator("tr[data-stage=index] td[data-field=dead_letters]")).to_have_text("1")
        await row.locator("button", has_text="Retry").click()
        await expect(page.locator("#dlq-action")).to_contain_text("Re-drove 1 entry")
        await expect(row).to_have_count(0, timeout=10_000)
    finally:
        await client.aclose()


async def test_the_api_docs_render_offline(live: Live) -> None:
    """/docs draws Swagger UI from files the server ships (no CDN) and lists the search endpoint."""
    page = await new_page(live)
    await page.goto(live.base + "/docs")
    await expect(page.locator(".opblock-summary-path", has_text="/api/search").first).to_be_visible()
    await shot(page, "docs")

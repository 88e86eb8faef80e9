"""Human-readable text for query results (the ``--json`` output is the data itself)."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

from services.cli.output import table
from services.common.envelope import read_data
from services.common.events.facts import (
    ArticleClassifiedV2,
    ArticleCleanedV1,
    ArticleEnrichedV2,
    ArticleIndexedV2,
)
from services.projector.views import (
    ArticleView,
    EntityPage,
    SearchHit,
    StoryCluster,
    TopicArticle,
    TopicCount,
)

if TYPE_CHECKING:
    from services.stages import InlineRun


def hits(results: list[SearchHit]) -> str:
    lines = []
    for n, hit in enumerate(results, 1):
        lines.append(f"{n:>2}. {hit.title}  [{hit.article_id}]  score {hit.score:.2f}")
        lines.append(textwrap.indent(textwrap.fill(hit.snippet, 96), "    "))
    return "\n".join(lines)


def article(view: ArticleView) -> str:
    out = [f"{view.title or '(untitled)'}", f"  id {view.article_id}"]
    meta: list[tuple[str, object]] = [("source", view.source), ("url", view.url)]
    meta += [("published", view.published_at), ("language", view.language), ("words", view.word_count)]
    out += [f"  {k}: {v}" for k, v in meta if v is not None]
    if view.lede:
        out.append("  lede: " + view.lede)
    if view.topics:
        out.append("  topics: " + ", ".join(f"{t.label} ({t.score:.2f})" for t in view.topics))
    if view.entities:
        out.append("  entities: " + ", ".join(f"{e.name} [{e.type}]x{e.mentions}" for e in view.entities))
    out += _amounts(view.money, view.percentages, view.dates)
    if view.tone:
        out.append(f"  tone: {view.tone.get('score', 0):+.2f}")
    if view.key_phrases:
        out.append("  key phrases: " + "; ".join(view.key_phrases))
    if view.duplicates:
        out.append(f"  exact duplicates received: {view.duplicates}")
    if view.story:
        out.append(f"  same story as: {', '.join(view.story)}  (newsfacts story {view.article_id})")
    out += [f"  rejected at {r.stage}: {r.reason}: {r.message}" for r in view.rejections]
    out += [f"  lineage: {s.stage} {s.stageversion} event {s.event_id}" for s in view.lineage]
    return "\n".join(out)


def story(cluster: StoryCluster) -> str:
    others = len(cluster.members) - 1
    if not others:
        return f"no other article tells the story of {cluster.article_id}"
    head = f"story of {cluster.article_id}: {others} other article(s), similarity to it estimated (MinHash)"
    rows = [
        [f"{m.similarity:.2f}", m.published_at or "-", m.source or "-", m.title or "", m.article_id]
        for m in cluster.members
    ]
    return head + "\n" + table(rows, ["similar", "published", "source", "title", "id"])


def _amounts(money: Any, percentages: Any, dates: Any) -> list[str]:
    out = []
    if money:
        out.append("  money: " + ", ".join(f"{m['text']} = {m['value']:,.0f} {m['currency']}" for m in money))
    if percentages:
        out.append("  percent: " + ", ".join(f"{p['text']} = {p['value']}%" for p in percentages))
    if dates:
        out.append("  dates: " + ", ".join(f"{d['text']} ({d['value'] or '?'})" for d in dates))
    return out


def entity(page: EntityPage) -> str:
    out = [
        f"{page.name} [{page.type}]  id {page.id}",
        f"  {page.article_count} article(s), {page.mentions} mention(s), "
        f"tone {'-' if page.tone is None else f'{page.tone:+.2f}'}",
    ]
    if page.aliases:
        out.append("  written as: " + ", ".join(page.aliases))
    rows = [
        [
            a.published_at or "-",
            str(a.mentions),
            "-" if a.tone is None else f"{a.tone:+.2f}",
            a.title or "",
            a.article_id,
        ]
        for a in page.articles
    ]
    out.append(table(rows, ["published", "mentions", "tone", "title", "id"]))
    return "\n".join(out)


def topics(counts: list[TopicCount]) -> str:
    if not counts:
        return "no topics yet"
    return table([[c.label, c.code, str(c.articles)] for c in counts], ["topic", "code", "articles"])


def topic_articles(topic: str, articles: list[TopicArticle]) -> str:
    if not articles:
        return f"no articles under {topic!r}"
    rows = [[f"{a.score:.2f}", a.published_at or "-", a.title or "", a.article_id] for a in articles]
    return table(rows, ["score", "published", "title", "id"])


def analysis(origin: str, run: InlineRun) -> str:
    out = [f"== {origin}"]
    for event in run.events:
        data = read_data(event)
        out.append(f"-- {event.type} ({event.stageversion})")
        if isinstance(data, ArticleCleanedV1):
            a = data.article
            out.append(f"   title: {a.title}")
            out.append(f"   language: {a.language} ({a.language_confidence:.2f}), words: {a.word_count}")
        elif isinstance(data, ArticleClassifiedV2):
            out.append(
                "   topics: " + (", ".join(f"{t.label} ({t.score:.2f})" for t in data.topics) or "none")
            )
        elif isinstance(data, ArticleEnrichedV2):
            out += [
                f"   {e.type}: {e.name} x{e.mentions} ({', '.join(e.surface_forms)})" for e in data.entities
            ]
            dumped = data.model_dump(mode="json")
            out += _amounts(dumped["money"], dumped["percentages"], dumped["dates"])
            out.append(f"   tone: {data.tone.score:+.2f}")
        elif isinstance(data, ArticleIndexedV2):
            out.append(
                f"   lede: {data.document.lede}\n   key phrases: {'; '.join(data.document.key_phrases)}"
            )
        elif event.type == "article.rejected":
            out.append(f"   {event.data['reason']}: {event.data['message']}")
    return "\n".join(out)

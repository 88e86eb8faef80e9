"""What a shadow generation changes against the live read models: topics and entities, per article.

Change kinds: ``topic_added``, ``topic_removed``, ``topic_reordered`` (the topics both
have come in another order), ``entity_added`` and ``entity_removed``. Each added or
removed topic or entity counts once; a reordering counts once per article.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from services.projector.views import View

KINDS = ("topic_added", "topic_removed", "topic_reordered", "entity_added", "entity_removed")


@dataclass(frozen=True, slots=True)
class ArticleChange(View):
    """How one article's topics and entities differ in the shadow; labels and names, best first."""

    article_id: str
    title: str | None
    topics_before: tuple[str, ...]
    topics_after: tuple[str, ...]
    topics_added: tuple[str, ...]
    topics_removed: tuple[str, ...]
    topics_reordered: bool
    entities_added: tuple[str, ...]
    entities_removed: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ShadowDiff(View):
    """Every article compared, the ones that changed, and how many changes of each kind."""

    compared: int
    changed: int
    kinds: dict[str, int]
    articles: tuple[ArticleChange, ...]


def _topics(conn: sqlite3.Connection, article_id: str) -> dict[str, str]:
    """Code -> label, best first."""
    rows = conn.execute(
        "SELECT code, label FROM article_topics WHERE article_id = ? ORDER BY rank", (article_id,)
    )
    return dict(rows.fetchall())


def _entities(conn: sqlite3.Connection, article_id: str) -> dict[str, str]:
    """Entity id -> name, most mentioned first."""
    rows = conn.execute(
        "SELECT entity_id, name FROM article_entities WHERE article_id = ?"
        " ORDER BY mentions DESC, first_offset, entity_id",
        (article_id,),
    )
    return dict(rows.fetchall())


def _title(conn: sqlite3.Connection, article_id: str) -> str | None:
    row = conn.execute(
        "SELECT COALESCE(clean_title, title) FROM articles WHERE article_id = ?", (article_id,)
    ).fetchone()
    return row[0] if row else None


def compare(live: sqlite3.Connection, shadow: sqlite3.Connection, article_ids: Iterable[str]) -> ShadowDiff:
    """The diff of topics and entities for these articles, live -> shadow."""
    kinds: Counter[str] = Counter(dict.fromkeys(KINDS, 0))
    changes: list[ArticleChange] = []
    ids = sorted(set(article_ids))
    for article_id in ids:
        before, after = _topics(live, article_id), _topics(shadow, article_id)
        had, has = _entities(live, article_id), _entities(shadow, article_id)
        common = [c for c in before if c in after]
        reordered = common != [c for c in after if c in before]
        change = ArticleChange(
            article_id=article_id,
            title=_title(shadow, article_id) or _title(live, article_id),
            topics_before=tuple(before.values()),
            topics_after=tuple(after.values()),
            topics_added=tuple(label for code, label in after.items() if code not in before),
            topics_removed=tuple(label for code, label in before.items() if code not in after),
            topics_reordered=reordered,
            entities_added=tuple(name for eid, name in has.items() if eid not in had),
            entities_removed=tuple(name for eid, name in had.items() if eid not in has),
        )
        counts = {
            "topic_added": len(change.topics_added),
            "topic_removed": len(change.topics_removed),
            "topic_reordered": int(reordered),
            "entity_added": len(change.entities_added),
            "entity_removed": len(change.entities_removed),
        }
        if any(counts.values()):
            kinds.update(counts)
            changes.append(change)
    return ShadowDiff(len(ids), len(changes), dict(kinds), tuple(changes))


def render(diff: ShadowDiff, limit: int = 50) -> str:
    """The summary line per kind, then each changed article (up to ``limit``)."""
    counts = ", ".join(f"{kind.replace('_', ' ')} {n}" for kind, n in diff.kinds.items())
    lines = [f"{diff.changed} of {diff.compared} article(s) would change: {counts}"]
    for change in diff.articles[:limit]:
        lines.append(f"  {change.article_id}  {change.title or ''}")
        if change.topics_added or change.topics_removed or change.topics_reordered:
            lines.append(f"    topics: {' | '.join(change.topics_before) or '-'}")
            lines.append(f"         -> {' | '.join(change.topics_after) or '-'}")
        if change.entities_added:
            lines.append(f"    + entities: {', '.join(change.entities_added)}")
        if change.entities_removed:
            lines.append(f"    - entities: {', '.join(change.entities_removed)}")
    if len(diff.articles) > limit:
        lines.append(f"  … and {len(diff.articles) - limit} more (--json lists every one)")
    return "\n".join(lines)

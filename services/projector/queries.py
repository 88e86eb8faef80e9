"""Read-only queries on the read models; each takes a ``Connection`` to the store's file."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson

from services.projector import fts, snippets, stories
from services.projector.sqlconn import Connection, FullText
from services.projector.views import (
    ArticleView,
    EntityArticle,
    EntityMention,
    EntityPage,
    LineageStep,
    RejectionView,
    SearchHit,
    StoryCluster,
    StoryMember,
    TopicArticle,
    TopicCount,
    TopicScore,
)

#: bm25 column weights: title, lede, text, key phrases, entities, topics.
WEIGHTS = (10.0, 4.0, 1.0, 3.0, 3.0, 2.0)
_SEARCH = f"""
SELECT d.article_id, d.title, d.lede, substr(search.text, 1, {snippets.WINDOW}),
       bm25(search, {", ".join(map(str, WEIGHTS))}) AS rank, d.source, d.url, d.published_at
FROM search JOIN docs AS d ON d.doc_id = search.rowid
WHERE search MATCH ? ORDER BY rank, d.article_id LIMIT ?
"""
_NEWEST = "COALESCE(a.published_at, a.ingested_at) DESC, a.article_id"


def connect_readonly(path: Path) -> sqlite3.Connection:
    """A read-only connection to the store at ``path`` (for a query API beside the projector)."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)


def search(
    conn: Connection, query: str, limit: int = 10, mark: tuple[str, str] = ("[", "]")
) -> list[SearchHit]:
    """Articles matching every word of ``query`` (any word if none match all), best first.

    Any text is safe: it is never passed to FTS5 as syntax. The work per hit is bounded whatever
    the article's size: its snippet comes from the first ``snippets.WINDOW`` characters.
    """
    limit = max(1, min(limit, 100))
    if isinstance(conn, FullText):  # a store with a full-text search of its own (PostgreSQL)
        return conn.full_text(query, limit, mark)
    hits: list[SearchHit] = []
    for expression in dict.fromkeys((fts.match_all(query), fts.match_any(query))):
        if expression is None:
            continue
        rows = conn.execute(_SEARCH, (expression, limit)).fetchall()
        hits = [
            SearchHit(r[0], r[1], r[2], snippets.snippet(r[3], query, mark), -r[4], r[5], r[6], r[7])
            for r in rows
        ]
        if hits:
            break
    return hits


def article(conn: Connection, article_id: str) -> ArticleView | None:
    """All that is known about an article, or None if no event has named it."""
    row = conn.execute(
        "SELECT COALESCE(clean_title, title), url, source, published_at, ingested_at, correlationid,"
        " content_hash, language, word_count, text, money_json, percentages_json, dates_json, tone_json"
        " FROM articles WHERE article_id = ?",
        (article_id,),
    ).fetchone()
    if row is None:
        return None
    doc = conn.execute(
        "SELECT lede, key_phrases_json FROM docs WHERE article_id = ?", (article_id,)
    ).fetchone()
    topics = conn.execute(
        "SELECT code, label, score FROM article_topics WHERE article_id = ? ORDER BY rank", (article_id,)
    )
    entities = conn.execute(
        "SELECT entity_id, name, type, mentions, surface_forms_json FROM article_entities"
        " WHERE article_id = ? ORDER BY mentions DESC, first_offset, entity_id",
        (article_id,),
    )
    rejections = conn.execute(
        "SELECT event_id, stage, reason, message, time FROM rejections WHERE article_id = ? ORDER BY time",
        (article_id,),
    )
    lineage = conn.execute(
        "SELECT stage, event_type, event_id, stageversion, causationid, time FROM lineage"
        " WHERE article_id = ? ORDER BY time, stage",
        (article_id,),
    )
    (duplicates,) = conn.execute(
        "SELECT count(*) FROM duplicates WHERE article_id = ?", (article_id,)
    ).fetchone()
    return ArticleView(
        article_id=article_id,
        **dict(zip(_ARTICLE_FIELDS, row[:10], strict=True)),
        lede=doc[0] if doc else None,
        key_phrases=tuple(_load(doc[1], [])) if doc else (),
        topics=tuple(TopicScore(*t) for t in topics),
        entities=tuple(EntityMention(e[0], e[1], e[2], e[3], tuple(orjson.loads(e[4]))) for e in entities),
        money=tuple(_load(row[10], [])),
        percentages=tuple(_load(row[11], [])),
        dates=tuple(_load(row[12], [])),
        tone=_load(row[13], None),
        duplicates=duplicates,
        rejections=tuple(RejectionView(*r) for r in rejections),
        lineage=tuple(LineageStep(*s) for s in lineage),
        story=tuple(a for a in stories.component(conn, article_id) if a != article_id),
    )


def story(conn: Connection, article_id: str) -> StoryCluster | None:
    """The article's story cluster (itself and every near-duplicate linked to it), or None if unknown."""
    if conn.execute("SELECT 1 FROM articles WHERE article_id = ?", (article_id,)).fetchone() is None:
        return None
    mine = stories.signature(conn, article_id)
    members = []
    for member in stories.component(conn, article_id):
        title, source, published_at = conn.execute(
            "SELECT COALESCE(clean_title, title), source, published_at FROM articles WHERE article_id = ?",
            (member,),
        ).fetchone() or (None, None, None)
        similarity = 1.0 if member == article_id else stories.estimate(mine, stories.signature(conn, member))
        members.append(StoryMember(member, title, source, published_at, similarity))
    members.sort(key=lambda m: (m.published_at is None, m.published_at or "", m.article_id))
    return StoryCluster(article_id, tuple(members))


_ARTICLE_FIELDS = (
    "title",
    "url",
    "source",
    "published_at",
    "ingested_at",
    "correlationid",
    "content_hash",
    "language",
    "word_count",
    "text",
)


def _load(text: str | None, default: Any) -> Any:
    return default if text is None else orjson.loads(text)


def entity(conn: Connection, name_or_id: str, limit: int = 50) -> EntityPage | None:
    """An entity by id, canonical name or any way an article wrote it (case-insensitive)."""
    entity_id = _find_entity(conn, name_or_id)
    if entity_id is None:
        return None
    entity_id, name, kind = conn.execute(
        "SELECT entity_id, name, type FROM entities WHERE entity_id = ?", (entity_id,)
    ).fetchone()
    count, mentions = conn.execute(
        "SELECT count(*), COALESCE(sum(mentions), 0) FROM article_entities WHERE entity_id = ?", (entity_id,)
    ).fetchone()
    forms: dict[str, int] = {}
    for (forms_json,) in conn.execute(
        "SELECT surface_forms_json FROM article_entities WHERE entity_id = ?", (entity_id,)
    ):
        for form in orjson.loads(forms_json):
            forms[form] = forms.get(form, 0) + 1
    articles = conn.execute(
        "SELECT a.article_id, COALESCE(a.clean_title, a.title), a.published_at, e.mentions, t.tone"
        " FROM article_entities AS e JOIN articles AS a USING (article_id)"
        " LEFT JOIN entity_tones AS t ON t.article_id = e.article_id AND t.entity_id = e.entity_id"
        f" WHERE e.entity_id = ? ORDER BY {_NEWEST} LIMIT ?",
        (entity_id, limit),
    )
    (tone,) = conn.execute("SELECT avg(tone) FROM entity_tones WHERE entity_id = ?", (entity_id,)).fetchone()
    aliases = tuple(sorted(forms, key=lambda f: (-forms[f], f)))
    listed = tuple(EntityArticle(*r) for r in articles)
    mean = round(tone, 4) if tone is not None else None
    return EntityPage(entity_id, name, kind, aliases, count, mentions, mean, listed)


def _find_entity(conn: Connection, name_or_id: str) -> str | None:
    """The entity id for an id, else a canonical name, an alias, or the end of a canonical name from a word
    boundary (all case-insensitive); the most cited on ties."""
    key = name_or_id.strip().casefold()
    most_cited = "(SELECT count(*) FROM article_entities AS ae WHERE ae.entity_id = e.entity_id) DESC"
    for sql, arg in (
        ("SELECT entity_id FROM entities WHERE entity_id = ?", name_or_id.strip()),
        (f"SELECT entity_id FROM entities AS e WHERE name_key = ? ORDER BY {most_cited}, entity_id", key),
        (
            "SELECT entity_id FROM entity_aliases WHERE alias = ?"
            " GROUP BY entity_id ORDER BY count(*) DESC, entity_id",
            key,
        ),
        (  # the end of the canonical name, from a word boundary: 'bin Laden' -> 'Osama bin Laden'
            f"SELECT entity_id FROM entities AS e WHERE name_key LIKE ? ESCAPE '\\'"
            f" ORDER BY {most_cited}, entity_id",
            "% " + key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_"),
        ),
    ):
        row = conn.execute(sql, (arg,)).fetchone()
        if row is not None:
            return str(row[0])
    return None


def topics(conn: Connection) -> list[TopicCount]:
    """Every topic with the number of articles it is assigned to, most first."""
    rows = conn.execute(
        "SELECT code, max(label), count(*) AS n FROM article_topics GROUP BY code ORDER BY n DESC, code"
    )
    return [TopicCount(*r) for r in rows]


def topic_articles(conn: Connection, code_or_label: str, limit: int = 50) -> list[TopicArticle]:
    """Articles with a topic, by IPTC code or label (case-insensitive), newest first."""
    rows = conn.execute(
        "SELECT a.article_id, COALESCE(a.clean_title, a.title), a.published_at, t.score"
        " FROM article_topics AS t JOIN articles AS a USING (article_id)"
        f" WHERE t.code = ? OR t.label = ? COLLATE NOCASE ORDER BY {_NEWEST} LIMIT ?",
        (code_or_label.strip(), code_or_label.strip(), limit),
    )
    return [TopicArticle(*r) for r in rows]


def article_ids(
    conn: Connection,
    *,
    topic: str | None = None,
    stage: str | None = None,
    stageversion: str | None = None,
) -> set[str]:
    """Ids of articles with a topic (code or label), and/or whose ``stage`` facts come from a version."""
    found: set[str] | None = None
    if topic is not None:
        rows = conn.execute(
            "SELECT article_id FROM article_topics WHERE code = ? OR label = ? COLLATE NOCASE",
            (topic.strip(), topic.strip()),
        )
        found = {r[0] for r in rows}
    if stage is not None and stageversion is not None:
        rows = conn.execute(
            "SELECT article_id FROM lineage WHERE stage = ? AND stageversion = ?", (stage, stageversion)
        )
        made = {r[0] for r in rows}
        found = made if found is None else found & made
    return found if found is not None else set()


def outcomes(conn: Connection, correlation_ids: Sequence[str]) -> int:
    """How many of these submissions have ended: indexed, found duplicate, or rejected."""
    ended: set[str] = set()
    ids = list(dict.fromkeys(correlation_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        sql = f"SELECT DISTINCT correlationid FROM outcomes WHERE correlationid IN ({marks})"
        ended.update(row[0] for row in conn.execute(sql, chunk))
    return len(ended)


def counters(conn: Connection) -> dict[str, int]:
    """Pipeline counters: events applied per type, ``rejected:<reason>``, skipped, superseded."""
    return {name: value for name, value in conn.execute("SELECT name, value FROM counters ORDER BY name")}

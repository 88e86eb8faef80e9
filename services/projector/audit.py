"""Read-only queries on an article's past: its history, its lineage tree, its retraction.

The ``history`` table indexes every applied event that names the article, superseded
versions included; the events themselves stay in the log, found by stream and entry id.
"""

from __future__ import annotations

from services.common.names import LOG_STREAMS
from services.projector.entries import entry_key
from services.projector.sqlconn import Connection
from services.projector.views import HistoryItem, LineageNode, LineageTree, RetractionView

_STREAMS = LOG_STREAMS


def retraction(conn: Connection, article_id: str) -> RetractionView | None:
    """The retraction of an article, or None if it stands."""
    row = conn.execute(
        "SELECT article_id, event_id, reason, time FROM retractions WHERE article_id = ?", (article_id,)
    ).fetchone()
    return RetractionView(*row) if row else None


def retracted_ids(conn: Connection) -> set[str]:
    """Every retracted article id."""
    return {r[0] for r in conn.execute("SELECT article_id FROM retractions")}


def history(conn: Connection, article_id: str) -> list[HistoryItem]:
    """Every applied event about the article, oldest entry first (streams' entry ids are times)."""
    current = {r[0] for r in conn.execute("SELECT event_id FROM lineage WHERE article_id = ?", (article_id,))}
    rows = conn.execute(
        "SELECT stream, entry_id, event_id, type, stageversion, causationid, time FROM history"
        " WHERE article_id = ?",
        (article_id,),
    ).fetchall()
    items = [
        HistoryItem(stream, entry, event_id, kind, version, cause, time, event_id in current)
        for stream, entry, event_id, kind, version, cause, time in rows
    ]
    return sorted(items, key=_order)


def _order(item: HistoryItem) -> tuple[tuple[int, int], int]:
    rank = _STREAMS.index(item.stream) if item.stream in _STREAMS else len(_STREAMS)
    return entry_key(item.entry_id), rank


def lineage(conn: Connection, article_id: str) -> LineageTree | None:
    """The article's events as a tree of causes (None if no event named it)."""
    items = history(conn, article_id)
    gone = retraction(conn, article_id)
    if not items and gone is None:
        return None
    notes = _notes(conn, article_id)
    by_id: dict[str, HistoryItem] = {}
    for item in items:
        by_id.setdefault(item.event_id, item)
    children: dict[str | None, list[HistoryItem]] = {}
    for item in by_id.values():
        parent = item.causationid if item.causationid in by_id else None
        children.setdefault(parent, []).append(item)
    submitted = _submissions(conn, [i.causationid for i in children.get(None, []) if i.causationid])

    def node(item: HistoryItem) -> LineageNode:
        kids = tuple(node(child) for child in children.get(item.event_id, []))
        return LineageNode(
            item.event_id, item.type, item.stageversion, item.stream, item.entry_id, item.time,
            item.causationid, item.current, notes.get(item.event_id), kids,
        )  # fmt: skip

    roots: list[LineageNode] = []
    grouped: dict[str, tuple[LineageNode, ...]] = {}
    for item in children.get(None, []):
        cause = item.causationid
        if cause is None:
            roots.append(node(item))
        else:
            grouped[cause] = (*grouped.get(cause, ()), node(item))
    for cause, kids in grouped.items():
        if cause in submitted:
            time, title = submitted[cause]
            root = LineageNode(
                cause, "article.submitted", None, "submitted", None, time, None, False, title, kids
            )
        else:
            note = "not in the read models"
            root = LineageNode(cause, "(cause)", None, None, None, None, None, False, note, kids)
        roots.append(root)
    title = conn.execute(
        "SELECT COALESCE(clean_title, title) FROM articles WHERE article_id = ?", (article_id,)
    ).fetchone()
    ordered = sorted(roots, key=_first_entry)
    return LineageTree(article_id, title[0] if title else None, gone, tuple(ordered))


def _first_entry(node: LineageNode) -> tuple[int, int]:
    """Where a branch starts in the log: its own entry, or its earliest child's (a submission's)."""
    if node.entry_id is not None:
        return entry_key(node.entry_id)
    return min((_first_entry(child) for child in node.children), default=(0, 0))


def _notes(conn: Connection, article_id: str) -> dict[str, str]:
    """Event id -> what a reprocess request or an amendment said about itself."""
    notes = {
        event_id: f"{stage}: {reason}" if reason else stage
        for event_id, stage, reason in conn.execute(
            "SELECT event_id, stage, reason FROM reprocess_requests WHERE article_id = ?", (article_id,)
        )
    }
    for event_id, note in conn.execute(
        "SELECT event_id, note FROM amendments WHERE article_id = ?", (article_id,)
    ):
        notes[event_id] = note
    return notes


def _submissions(conn: Connection, event_ids: list[str]) -> dict[str, tuple[str, str | None]]:
    """Submission event id -> (time, title), for the submissions the projector has."""
    found: dict[str, tuple[str, str | None]] = {}
    for event_id in dict.fromkeys(event_ids):
        row = conn.execute("SELECT time, title FROM submissions WHERE event_id = ?", (event_id,)).fetchone()
        if row:
            found[event_id] = (row[0], row[1])
    return found

"""How each event type changes the read models: one function per type, the registry at the bottom.

Every function reads the typed data first (a ``Rejection`` there means the entry
is skipped, not the projector stopped) and then only describes writes to the
``Work``, which applies them idempotently: facts keyed by event id are inserted
once; per-article stage facts follow the stage-version rule in ``work.py``. Every
applied event that names an article also gets a row in its ``history``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import orjson
from pydantic import BaseModel

from services.common.envelope import read_data
from services.common.events.amendments import ArticleCorrectedV1, ArticleRetractedV1
from services.common.events.control import ArticleDiscardedV1, ArticleReprocessRequestedV1
from services.common.events.facts import (
    ArticleClassifiedV2,
    ArticleCleanedV1,
    ArticleEnrichedV2,
    ArticleIndexedV2,
)
from services.common.events.intake import (
    ArticleDuplicateV1,
    ArticleIngestedV1,
    ArticleRejectedV1,
    ArticleSubmittedV1,
    RejectReason,
)
from services.common.names import STAGE_INPUT
from services.common.rejection import Rejection
from services.projector import statements as sql
from services.projector import stories
from services.projector.entries import LogEntry, Undecodable
from services.projector.work import Row, Work, Write

M = TypeVar("M", bound=BaseModel)


def apply_entry(work: Work, entry: LogEntry | Undecodable) -> None:
    """Apply one entry; anything it cannot apply is recorded as skipped instead of raised."""
    if isinstance(entry, Undecodable):
        work.bad(entry.stream, entry.entry_id, None, None, f"undecodable: {entry.reason}")
        return
    event = entry.event
    apply = APPLY.get(event.type)
    if apply is None:
        work.bad(entry.stream, entry.entry_id, event.id, event.type, f"unknown event type {event.type!r}")
        return
    try:
        apply(work, entry)
    except Rejection as exc:
        work.bad(entry.stream, entry.entry_id, event.id, event.type, f"{exc.reason}: {exc.message}")
        return
    if event.subject is not None:
        row = (event.subject, entry.stream, entry.entry_id, event.id, event.type, event.stageversion)
        work.insert(sql.HISTORY, (*row, event.causationid, event.time), ())


def _data(entry: LogEntry, model: type[M]) -> M:
    data = read_data(entry.event)
    if not isinstance(data, model):  # pragma: no cover - the registry maps each type to its model
        raise Rejection(RejectReason.INVALID_FIELD, f"{entry.event.type} is not {model.__name__}")
    return data


def _json(value: object) -> str:
    return orjson.dumps(value).decode()


def _outcome(
    work: Work, entry: LogEntry, outcome: str, article_id: str | None, counters: tuple[str, ...] = ()
) -> None:
    """Record how a submission ended; every terminal event counts, whatever its stage version."""
    event = entry.event
    work.insert(sql.OUTCOME, (event.id, event.correlationid, outcome, article_id, event.time), counters)
    if article_id is not None:
        work.names(article_id)


def apply_submitted(work: Work, entry: LogEntry) -> None:
    """A submission: counted, and kept as a row keyed by its event id."""
    data, event = _data(entry, ArticleSubmittedV1), entry.event
    row = (event.id, event.time, event.correlationid, data.title, data.url, data.source)
    work.insert(sql.SUBMISSION, row, (event.type,))


def apply_ingested(work: Work, entry: LogEntry) -> None:
    """An accepted article: its metadata, when and in which correlation it came in."""
    data, event = _data(entry, ArticleIngestedV1), entry.event
    row = (data.title, data.url, data.source, data.published_at, data.content_hash, data.size_bytes)
    update = (*row, event.time, event.correlationid, data.article_id)
    work.stage_fact(entry, data.article_id, "ingest", [(sql.INGESTED, [update])])


def apply_duplicate(work: Work, entry: LogEntry) -> None:
    """An exact copy of an accepted article: counted, and per article."""
    data, event = _data(entry, ArticleDuplicateV1), entry.event
    work.ensure_article(data.article_id)
    work.insert(sql.DUPLICATE, (event.id, data.article_id, data.content_hash, event.time), (event.type,))
    _outcome(work, entry, "duplicate", data.article_id)


def apply_rejected(work: Work, entry: LogEntry) -> None:
    """Input a stage could not process: kept with its reason, counted per reason."""
    data, event = _data(entry, ArticleRejectedV1), entry.event
    row: Row = (event.id, data.stage, data.reason.value, data.message, data.article_id)
    row += (data.input_entry_id, data.input_event_id, data.raw_size, data.raw_sha256, event.time)
    work.insert(sql.REJECTION, row, (event.type, f"rejected:{data.reason.value}"))
    _outcome(work, entry, "rejected", data.article_id)


def apply_cleaned(work: Work, entry: LogEntry) -> None:
    """The article's main text, language and word count."""
    a = _data(entry, ArticleCleanedV1).article
    update = (a.title, a.language, a.language_confidence, a.word_count, a.text, a.extractor, a.article_id)
    work.stage_fact(entry, a.article_id, "clean", [(sql.CLEANED, [update])])


def apply_classified(work: Work, entry: LogEntry) -> None:
    """The article's topics, replacing any it had (v1 events arrive upcast, with no evidence)."""
    data = _data(entry, ArticleClassifiedV2)
    article_id = data.article.article_id
    topics: list[Row] = [(article_id, t.code, t.label, t.score, rank) for rank, t in enumerate(data.topics)]
    writes: list[Write] = [(sql.TOPICS_CLEAR, [(article_id,)]), (sql.TOPIC, topics)]
    work.ensure_article(article_id)
    work.stage_fact(entry, article_id, "classify", writes)


def apply_enriched(work: Work, entry: LogEntry) -> None:
    """The article's entities (replacing any it had) with their tone, amounts, dates and tone."""
    data = _data(entry, ArticleEnrichedV2)
    article_id = data.article.article_id
    mentions: list[Row] = []
    aliases: list[Row] = []
    entities: list[Row] = []
    tones: list[Row] = []
    for e in data.entities:
        forms = _json(e.surface_forms)
        mentions.append((article_id, e.id, e.name, e.type, e.mentions, e.first_offset, forms))
        if e.tone is not None:
            tones.append((article_id, e.id, e.tone))
        aliases.extend((article_id, e.id, form.casefold()) for form in dict.fromkeys(e.surface_forms))
        entities.append((e.id, e.name, e.name.casefold(), e.type))
    dumped = data.model_dump(mode="json", include={"money", "percentages", "dates", "tone"})
    update: Row = (_json(dumped["money"]), _json(dumped["percentages"]), _json(dumped["dates"]))
    update += (_json(dumped["tone"]), data.tone.score, article_id)
    clear = [(article_id,)]
    writes: list[Write] = [
        (sql.ENTITIES_CLEAR, clear),
        (sql.ALIASES_CLEAR, clear),
        (sql.TONES_CLEAR, clear),
        (sql.ARTICLE_ENTITY, mentions),
        (sql.ENTITY_TONE, tones),
        (sql.ALIAS, aliases),
        (sql.ENTITY, entities),
        (sql.ENRICHED, [update]),
    ]
    work.stage_fact(entry, article_id, "enrich", writes)


def apply_indexed(work: Work, entry: LogEntry) -> None:
    """The article's search document, replacing its full-text row, and its story signature and bands."""
    d = _data(entry, ArticleIndexedV2).document
    doc: Row = (d.article_id, d.title, d.lede, _json(d.key_phrases), _json(d.topics), _json(d.entities))
    doc += (d.source, d.url, d.published_at, d.language, d.word_count)
    fts = (d.title, d.lede, d.text, "; ".join(d.key_phrases), "; ".join(d.entities), "; ".join(d.topics))
    clear = [(d.article_id,)]
    band_rows: list[Row] = list(stories.bands(d.article_id, d.minhash))
    signature: list[Row] = [(d.article_id, _json(d.minhash))] if band_rows else []
    writes: list[Write] = [
        (sql.SEARCH_CLEAR, clear),
        (sql.DOC, [doc]),
        (sql.SEARCH, [(*fts, d.article_id)]),
        (sql.STORY_LINKS_CLEAR, clear),  # links are made again at flush, from the stored bands
        (sql.STORY_BANDS_CLEAR, clear),
        (sql.STORY_SIGNATURE_CLEAR, clear),
        (sql.STORY_SIGNATURE, signature),
        (sql.STORY_BAND, band_rows),
    ]
    work.ensure_article(d.article_id)
    work.stage_fact(entry, d.article_id, "index", writes)
    _outcome(work, entry, "indexed", d.article_id)


def apply_reprocess_requested(work: Work, entry: LogEntry) -> None:
    """A reprocess request: recorded for the audit trail; the facts it leads to arrive as usual."""
    data, event = _data(entry, ArticleReprocessRequestedV1), entry.event
    row = (event.id, event.subject, data.stage, data.entry_id, data.reason, event.time)
    work.insert(sql.REPROCESS, row, (event.type,))


def apply_retracted(work: Work, entry: LogEntry) -> None:
    """As published, a request kept for the record; as ingest's fact, the article leaves every model."""
    data, event = _data(entry, ArticleRetractedV1), entry.event
    if entry.stream == STAGE_INPUT["ingest"]:
        row = (event.id, data.article_id, "retraction", data.reason, event.time, event.correlationid)
        work.insert(sql.AMENDMENT, row, (event.type,))
        return
    tombstone = (data.article_id, event.id, data.reason, event.time, event.correlationid)
    work.insert(sql.RETRACTION, tombstone, ())  # the first retraction of an article stands
    work.retract(data.article_id)
    _outcome(work, entry, "retracted", data.article_id, (event.type,))  # counted once per event


def apply_corrected(work: Work, entry: LogEntry) -> None:
    """A correction as published, kept for the record; its new text arrives as article.ingested."""
    data, event = _data(entry, ArticleCorrectedV1), entry.event
    row = (event.id, data.article_id, "correction", data.note, event.time, event.correlationid)
    work.insert(sql.AMENDMENT, row, (event.type,))


def apply_discarded(work: Work, entry: LogEntry) -> None:
    """A dead letter discarded by an operator: kept for the record (history, lineage), counted."""
    data, event = _data(entry, ArticleDiscardedV1), entry.event
    note = f"{data.stage} dead letter {data.dead_letter_id} ({data.failure}): {data.reason}"
    row = (event.id, event.subject or "", "discard", f"{note}, by {data.discarded_by}", event.time,
           event.correlationid)  # fmt: skip
    work.insert(sql.AMENDMENT, row, (event.type,))


#: event type -> the function that applies it.
APPLY: dict[str, Callable[[Work, LogEntry], None]] = {
    "article.submitted": apply_submitted,
    "article.ingested": apply_ingested,
    "article.duplicate": apply_duplicate,
    "article.rejected": apply_rejected,
    "article.cleaned": apply_cleaned,
    "article.classified": apply_classified,
    "article.enriched": apply_enriched,
    "article.indexed": apply_indexed,
    "article.reprocess_requested": apply_reprocess_requested,
    "article.retracted": apply_retracted,
    "article.corrected": apply_corrected,
    "article.discarded": apply_discarded,
}

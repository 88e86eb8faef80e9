"""A stable digest of every read model, to compare stores (replays, out-of-order folds).

Positions are left out: they say how far the log was read, not what it says,
so two stores holding the same facts compare equal however they were fed.
Surrogate keys (``docs.doc_id``, rowids) are left out for the same reason.
"""

from __future__ import annotations

import hashlib

import orjson

from services.projector.sqlconn import Connection

#: (part, query) in canonical order; every query orders by its natural key.
PARTS: tuple[tuple[str, str], ...] = (
    ("articles", "SELECT * FROM articles ORDER BY article_id"),
    ("article_topics", "SELECT * FROM article_topics ORDER BY article_id, code"),
    ("article_entities", "SELECT * FROM article_entities ORDER BY article_id, entity_id"),
    ("entity_aliases", "SELECT * FROM entity_aliases ORDER BY article_id, entity_id, alias"),
    ("entity_tones", "SELECT * FROM entity_tones ORDER BY article_id, entity_id"),
    ("entities", "SELECT * FROM entities ORDER BY entity_id"),
    (
        "docs",
        "SELECT article_id, title, lede, key_phrases_json, topics_json, entities_json, source, url,"
        " published_at, language, word_count FROM docs ORDER BY article_id",
    ),
    (
        "search",
        "SELECT d.article_id, s.title, s.lede, s.text, s.key_phrases, s.entities, s.topics"
        " FROM docs AS d JOIN search AS s ON s.rowid = d.doc_id ORDER BY d.article_id",
    ),
    ("search_rows", "SELECT count(*) FROM search"),
    ("submissions", "SELECT * FROM submissions ORDER BY event_id"),
    ("duplicates", "SELECT * FROM duplicates ORDER BY event_id"),
    ("rejections", "SELECT * FROM rejections ORDER BY event_id"),
    ("outcomes", "SELECT * FROM outcomes ORDER BY event_id"),
    ("reprocess_requests", "SELECT * FROM reprocess_requests ORDER BY event_id"),
    ("lineage", "SELECT * FROM lineage ORDER BY article_id, stage"),
    ("history", "SELECT * FROM history ORDER BY stream, entry_id"),
    ("retractions", "SELECT * FROM retractions ORDER BY article_id"),
    ("retracted_lineage", "SELECT * FROM retracted_lineage ORDER BY article_id, stage"),
    ("amendments", "SELECT * FROM amendments ORDER BY event_id"),
    ("skipped", "SELECT * FROM skipped ORDER BY stream, entry_id"),
    ("counters", "SELECT * FROM counters ORDER BY name"),
    ("story_signatures", "SELECT * FROM story_signatures ORDER BY article_id"),
    ("story_bands", "SELECT * FROM story_bands ORDER BY band, hash, article_id"),
    ("story_links", "SELECT * FROM story_links ORDER BY a, b"),
)


def checksum(conn: Connection) -> str:
    """sha256 (hex) over all read models in ``PARTS`` order, one JSON array per row."""
    digest = hashlib.sha256()
    for part, query in PARTS:
        digest.update(f"\x00{part}\n".encode())
        for row in conn.execute(query):
            digest.update(orjson.dumps(row))
            digest.update(b"\n")
    return digest.hexdigest()

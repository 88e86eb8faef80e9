"""The SQL the apply functions write with, one constant per statement (tables in ``schema.sql``).

Statements on ``articles`` are upserts of one stage's columns, so whichever event
of an article comes first creates its row, and no stage touches another's columns.
"""

from __future__ import annotations

SUBMISSION = "INSERT OR IGNORE INTO submissions VALUES (?, ?, ?, ?, ?, ?)"
DUPLICATE = "INSERT OR IGNORE INTO duplicates VALUES (?, ?, ?, ?)"
REJECTION = "INSERT OR IGNORE INTO rejections VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
OUTCOME = "INSERT OR IGNORE INTO outcomes VALUES (?, ?, ?, ?, ?)"

INGESTED = """
INSERT INTO articles (title, url, source, published_at, content_hash, size_bytes, ingested_at, correlationid,
    article_id)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (article_id) DO UPDATE SET title = excluded.title, url = excluded.url, source = excluded.source,
    published_at = excluded.published_at, content_hash = excluded.content_hash,
    size_bytes = excluded.size_bytes, ingested_at = excluded.ingested_at,
    correlationid = excluded.correlationid
"""

CLEANED = """
INSERT INTO articles (clean_title, language, language_confidence, word_count, text, extractor, article_id)
VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (article_id) DO UPDATE SET clean_title = excluded.clean_title, language = excluded.language,
    language_confidence = excluded.language_confidence, word_count = excluded.word_count,
    text = excluded.text, extractor = excluded.extractor
"""

TOPICS_CLEAR = "DELETE FROM article_topics WHERE article_id = ?"
TOPIC = "INSERT OR IGNORE INTO article_topics VALUES (?, ?, ?, ?, ?)"

ENTITIES_CLEAR = "DELETE FROM article_entities WHERE article_id = ?"
ALIASES_CLEAR = "DELETE FROM entity_aliases WHERE article_id = ?"
TONES_CLEAR = "DELETE FROM entity_tones WHERE article_id = ?"
ENTITY_TONE = "INSERT OR IGNORE INTO entity_tones VALUES (?, ?, ?)"
ARTICLE_ENTITY = "INSERT OR IGNORE INTO article_entities VALUES (?, ?, ?, ?, ?, ?, ?)"
ALIAS = "INSERT OR IGNORE INTO entity_aliases VALUES (?, ?, ?)"
ENTITY = """
INSERT INTO entities VALUES (?, ?, ?, ?)
ON CONFLICT (entity_id) DO UPDATE SET name = excluded.name, name_key = excluded.name_key, type = excluded.type
"""
ENRICHED = """
INSERT INTO articles (money_json, percentages_json, dates_json, tone_json, tone_score, article_id)
VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (article_id) DO UPDATE SET money_json = excluded.money_json,
    percentages_json = excluded.percentages_json, dates_json = excluded.dates_json,
    tone_json = excluded.tone_json, tone_score = excluded.tone_score
"""

SEARCH_CLEAR = "DELETE FROM search WHERE rowid = (SELECT doc_id FROM docs WHERE article_id = ?)"
DOC = """
INSERT INTO docs (article_id, title, lede, key_phrases_json, topics_json, entities_json, source, url,
    published_at, language, word_count)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (article_id) DO UPDATE SET title = excluded.title, lede = excluded.lede,
    key_phrases_json = excluded.key_phrases_json, topics_json = excluded.topics_json,
    entities_json = excluded.entities_json, source = excluded.source, url = excluded.url,
    published_at = excluded.published_at, language = excluded.language, word_count = excluded.word_count
"""
SEARCH = """
INSERT INTO search (rowid, title, lede, text, key_phrases, entities, topics)
SELECT doc_id, ?, ?, ?, ?, ?, ? FROM docs WHERE article_id = ?
"""

REPROCESS = "INSERT OR IGNORE INTO reprocess_requests VALUES (?, ?, ?, ?, ?, ?)"

HISTORY = "INSERT OR IGNORE INTO history VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
AMENDMENT = "INSERT OR IGNORE INTO amendments VALUES (?, ?, ?, ?, ?, ?)"
RETRACTION = "INSERT OR IGNORE INTO retractions VALUES (?, ?, ?, ?, ?)"

STORY_LINKS_CLEAR = "DELETE FROM story_links WHERE a = ?1 OR b = ?1"
STORY_BANDS_CLEAR = "DELETE FROM story_bands WHERE article_id = ?"
STORY_SIGNATURE_CLEAR = "DELETE FROM story_signatures WHERE article_id = ?"
STORY_SIGNATURE = "INSERT INTO story_signatures VALUES (?, ?)"
STORY_BAND = "INSERT OR IGNORE INTO story_bands VALUES (?, ?, ?)"

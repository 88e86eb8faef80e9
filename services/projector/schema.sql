-- Read models the projector folds the fact log into (SQLite, FTS5).
-- Every statement is idempotent: the store runs this file on each open.
-- Ownership keeps the fold order-insensitive across streams: each column group
-- and child table is written by exactly one event type. The tables at the end
-- (history, retractions) are keyed so that the order of arrival does not matter
-- either; a retraction removes its article from the models above whenever it comes.

-- Last applied stream entry per log stream, written in the same transaction as the models.
CREATE TABLE IF NOT EXISTS positions (
    stream TEXT PRIMARY KEY,
    ms INTEGER NOT NULL,
    seq INTEGER NOT NULL
) WITHOUT ROWID;

-- Which log this store is a fold of (key 'log_id': the log's identity, services/common/identity.py);
-- a store never takes the facts of another log (services/projector/logbinding.py).
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- One row per article, created by whichever of its events arrives first.
CREATE TABLE IF NOT EXISTS articles (
    article_id TEXT PRIMARY KEY,
    -- article.ingested
    title TEXT, url TEXT, source TEXT, published_at TEXT, content_hash TEXT, size_bytes INTEGER,
    ingested_at TEXT, correlationid TEXT,
    -- article.cleaned
    clean_title TEXT, language TEXT, language_confidence REAL, word_count INTEGER, text TEXT,
    extractor TEXT,
    -- article.enriched (lists as JSON arrays, tone as a JSON object)
    money_json TEXT, percentages_json TEXT, dates_json TEXT, tone_json TEXT, tone_score REAL
) WITHOUT ROWID;

-- article.classified: replaced as a whole for the article.
CREATE TABLE IF NOT EXISTS article_topics (
    article_id TEXT NOT NULL,
    code TEXT NOT NULL,
    label TEXT NOT NULL,
    score REAL NOT NULL,
    rank INTEGER NOT NULL,
    PRIMARY KEY (article_id, code)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS article_topics_code ON article_topics (code);

-- article.enriched: the article's entities, replaced as a whole.
CREATE TABLE IF NOT EXISTS article_entities (
    article_id TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    mentions INTEGER NOT NULL,
    first_offset INTEGER NOT NULL,
    surface_forms_json TEXT NOT NULL,
    PRIMARY KEY (article_id, entity_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS article_entities_entity ON article_entities (entity_id);

-- article.enriched v2: the tone of the sentences of an article that name an entity (none for
-- v1 events and unscored text).
CREATE TABLE IF NOT EXISTS entity_tones (
    article_id TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    tone REAL NOT NULL,
    PRIMARY KEY (article_id, entity_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS entity_tones_entity ON entity_tones (entity_id);

-- article.enriched: how articles wrote each entity (casefolded), for lookup by alias.
CREATE TABLE IF NOT EXISTS entity_aliases (
    article_id TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    alias TEXT NOT NULL,
    PRIMARY KEY (article_id, entity_id, alias)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS entity_aliases_alias ON entity_aliases (alias);

-- article.enriched: canonical name and type per entity id (the last enriched event applied wins);
-- an entity no article mentions any more (re-enriched or retracted) is removed.
CREATE TABLE IF NOT EXISTS entities (
    entity_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    type TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS entities_name_key ON entities (name_key);

-- article.indexed: the search document; doc_id is the rowid of its row in `search`.
CREATE TABLE IF NOT EXISTS docs (
    doc_id INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    lede TEXT NOT NULL,
    key_phrases_json TEXT NOT NULL,
    topics_json TEXT NOT NULL,
    entities_json TEXT NOT NULL,
    source TEXT, url TEXT, published_at TEXT, language TEXT NOT NULL, word_count INTEGER NOT NULL
);

CREATE VIRTUAL TABLE IF NOT EXISTS search USING fts5 (
    title, lede, text, key_phrases, entities, topics,
    tokenize = 'porter unicode61 remove_diacritics 2'
);

-- Facts keyed by their event id: inserting one twice is a no-op.
CREATE TABLE IF NOT EXISTS submissions (
    event_id TEXT PRIMARY KEY,
    time TEXT NOT NULL,
    correlationid TEXT NOT NULL,
    title TEXT, url TEXT, source TEXT
) WITHOUT ROWID;

-- article.reprocess_requested: who asked which stage to run again on what.
CREATE TABLE IF NOT EXISTS reprocess_requests (
    event_id TEXT PRIMARY KEY,
    article_id TEXT,
    stage TEXT NOT NULL,
    entry_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    time TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS duplicates (
    event_id TEXT PRIMARY KEY,
    article_id TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    time TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS duplicates_article ON duplicates (article_id);

CREATE TABLE IF NOT EXISTS rejections (
    event_id TEXT PRIMARY KEY,
    stage TEXT NOT NULL,
    reason TEXT NOT NULL,
    message TEXT NOT NULL,
    article_id TEXT,
    input_entry_id TEXT,
    input_event_id TEXT,
    raw_size INTEGER NOT NULL,
    raw_sha256 TEXT NOT NULL,
    time TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS rejections_article ON rejections (article_id);

-- How each submission ended (indexed, duplicate or rejected), by its correlation id.
CREATE TABLE IF NOT EXISTS outcomes (
    event_id TEXT PRIMARY KEY,
    correlationid TEXT NOT NULL,
    outcome TEXT NOT NULL,
    article_id TEXT,
    time TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS outcomes_correlation ON outcomes (correlationid);

-- Per article and stage: the event its current facts came from.
CREATE TABLE IF NOT EXISTS lineage (
    article_id TEXT NOT NULL,
    stage TEXT NOT NULL,
    event_type TEXT NOT NULL,
    event_id TEXT NOT NULL,
    stageversion TEXT NOT NULL,
    causationid TEXT,
    time TEXT NOT NULL,
    PRIMARY KEY (article_id, stage)
) WITHOUT ROWID;

-- Entries not applied to the models (unknown type, unreadable data, superseded), so none is silent.
CREATE TABLE IF NOT EXISTS skipped (
    stream TEXT NOT NULL,
    entry_id TEXT NOT NULL,
    event_id TEXT,
    event_type TEXT,
    reason TEXT NOT NULL,
    PRIMARY KEY (stream, entry_id)
) WITHOUT ROWID;

-- Pipeline counters: events applied per type, rejections per reason, skipped entries.
CREATE TABLE IF NOT EXISTS counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;

-- Every applied event that names an article (its subject), superseded versions included: the
-- article's history as an index into the log (the event data stays in the log, by entry id).
CREATE TABLE IF NOT EXISTS history (
    article_id TEXT NOT NULL,
    stream TEXT NOT NULL,
    entry_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    type TEXT NOT NULL,
    stageversion TEXT NOT NULL,
    causationid TEXT,
    time TEXT NOT NULL,
    PRIMARY KEY (stream, entry_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS history_article ON history (article_id);

-- article.retracted (the fact ingest emits): one tombstone per article, the first retraction wins.
-- A retracted article is gone from every model above, and facts about it arriving later are ignored.
CREATE TABLE IF NOT EXISTS retractions (
    article_id TEXT PRIMARY KEY,
    event_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    time TEXT NOT NULL,
    correlationid TEXT NOT NULL
) WITHOUT ROWID;

-- The lineage of retracted articles, shown nowhere: it keeps the stage-version rule (and so the
-- counters) the same whether a retracted article's facts arrive before or after its retraction.
CREATE TABLE IF NOT EXISTS retracted_lineage (
    article_id TEXT NOT NULL,
    stage TEXT NOT NULL,
    event_type TEXT NOT NULL,
    event_id TEXT NOT NULL,
    stageversion TEXT NOT NULL,
    causationid TEXT,
    time TEXT NOT NULL,
    PRIMARY KEY (article_id, stage)
) WITHOUT ROWID;

-- article.corrected and article.retracted as published (the submitted stream): who asked what.
CREATE TABLE IF NOT EXISTS amendments (
    event_id TEXT PRIMARY KEY,
    article_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    note TEXT NOT NULL,
    time TEXT NOT NULL,
    correlationid TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS amendments_article ON amendments (article_id);

-- article.indexed v2: story clusters (near-duplicates, stories.py). The MinHash signature per article,
-- its LSH bands (16 bands of 4 values), and links between articles whose estimated Jaccard similarity
-- is at least stories.THRESHOLD (a < b). A link depends only on the pair's signatures, so the order
-- of arrival does not matter; a cluster is a connected component, computed when asked.
CREATE TABLE IF NOT EXISTS story_signatures (
    article_id TEXT PRIMARY KEY,
    minhash_json TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS story_bands (
    band INTEGER NOT NULL,
    hash TEXT NOT NULL,
    article_id TEXT NOT NULL,
    PRIMARY KEY (band, hash, article_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS story_bands_article ON story_bands (article_id);

CREATE TABLE IF NOT EXISTS story_links (
    a TEXT NOT NULL,
    b TEXT NOT NULL,
    jaccard REAL NOT NULL,
    PRIMARY KEY (a, b)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS story_links_b ON story_links (b);

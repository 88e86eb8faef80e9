-- The read models of schema.sql (services/projector), in PostgreSQL: the same tables, columns and
-- column order (the checksum reads them alike), keys and indexes. Text sorts bytewise (collation "C")
-- as SQLite's does, so every ORDER BY gives the same order on either store. The full-text index is
-- a generated tsvector column of `search` with a GIN index (title weighted A).

CREATE DOMAIN ctext AS text COLLATE "C";

CREATE TABLE positions (
    stream ctext PRIMARY KEY,
    ms bigint NOT NULL,
    seq bigint NOT NULL
);

CREATE TABLE articles (
    article_id ctext PRIMARY KEY,
    title ctext, url ctext, source ctext, published_at ctext, content_hash ctext, size_bytes bigint,
    ingested_at ctext, correlationid ctext,
    clean_title ctext, language ctext, language_confidence double precision, word_count integer, text ctext,
    extractor ctext,
    money_json ctext, percentages_json ctext, dates_json ctext, tone_json ctext, tone_score double precision
);

CREATE TABLE article_topics (
    article_id ctext NOT NULL,
    code ctext NOT NULL,
    label ctext NOT NULL,
    score double precision NOT NULL,
    rank integer NOT NULL,
    PRIMARY KEY (article_id, code)
);
CREATE INDEX article_topics_code ON article_topics (code);
CREATE INDEX article_topics_label ON article_topics (lower(label));

CREATE TABLE article_entities (
    article_id ctext NOT NULL,
    entity_id ctext NOT NULL,
    name ctext NOT NULL,
    type ctext NOT NULL,
    mentions integer NOT NULL,
    first_offset integer NOT NULL,
    surface_forms_json ctext NOT NULL,
    PRIMARY KEY (article_id, entity_id)
);
CREATE INDEX article_entities_entity ON article_entities (entity_id);

CREATE TABLE entity_tones (
    article_id ctext NOT NULL,
    entity_id ctext NOT NULL,
    tone double precision NOT NULL,
    PRIMARY KEY (article_id, entity_id)
);
CREATE INDEX entity_tones_entity ON entity_tones (entity_id);

CREATE TABLE entity_aliases (
    article_id ctext NOT NULL,
    entity_id ctext NOT NULL,
    alias ctext NOT NULL,
    PRIMARY KEY (article_id, entity_id, alias)
);
CREATE INDEX entity_aliases_alias ON entity_aliases (alias);

CREATE TABLE entities (
    entity_id ctext PRIMARY KEY,
    name ctext NOT NULL,
    name_key ctext NOT NULL,
    type ctext NOT NULL
);
CREATE INDEX entities_name_key ON entities (name_key);

CREATE TABLE docs (
    article_id ctext PRIMARY KEY,
    title ctext NOT NULL,
    lede ctext NOT NULL,
    key_phrases_json ctext NOT NULL,
    topics_json ctext NOT NULL,
    entities_json ctext NOT NULL,
    source ctext, url ctext, published_at ctext, language ctext NOT NULL, word_count integer NOT NULL
);

-- The searchable text of each indexed article; `document` is what the GIN index serves. The body
-- is indexed up to its first 131,072 characters: a tsvector holds at most 1 MiB.
CREATE TABLE search (
    article_id ctext PRIMARY KEY,
    title ctext, lede ctext, text ctext, key_phrases ctext, entities ctext, topics ctext,
    document tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
        || setweight(to_tsvector('english'::regconfig, coalesce(lede, '')), 'B')
        || setweight(to_tsvector('english'::regconfig,
               coalesce(key_phrases, '') || ' ' || coalesce(entities, '') || ' ' || coalesce(topics, '')), 'C')
        || setweight(to_tsvector('english'::regconfig, left(coalesce(text, ''), 131072)), 'D')
    ) STORED
);
CREATE INDEX search_document ON search USING gin (document);

CREATE TABLE submissions (
    event_id ctext PRIMARY KEY,
    time ctext NOT NULL,
    correlationid ctext NOT NULL,
    title ctext, url ctext, source ctext
);

CREATE TABLE reprocess_requests (
    event_id ctext PRIMARY KEY,
    article_id ctext,
    stage ctext NOT NULL,
    entry_id ctext NOT NULL,
    reason ctext NOT NULL,
    time ctext NOT NULL
);
CREATE INDEX reprocess_requests_article ON reprocess_requests (article_id);

CREATE TABLE duplicates (
    event_id ctext PRIMARY KEY,
    article_id ctext NOT NULL,
    content_hash ctext NOT NULL,
    time ctext NOT NULL
);
CREATE INDEX duplicates_article ON duplicates (article_id);

CREATE TABLE rejections (
    event_id ctext PRIMARY KEY,
    stage ctext NOT NULL,
    reason ctext NOT NULL,
    message ctext NOT NULL,
    article_id ctext,
    input_entry_id ctext,
    input_event_id ctext,
    raw_size bigint NOT NULL,
    raw_sha256 ctext NOT NULL,
    time ctext NOT NULL
);
CREATE INDEX rejections_article ON rejections (article_id);

CREATE TABLE outcomes (
    event_id ctext PRIMARY KEY,
    correlationid ctext NOT NULL,
    outcome ctext NOT NULL,
    article_id ctext,
    time ctext NOT NULL
);
CREATE INDEX outcomes_correlation ON outcomes (correlationid);
CREATE INDEX outcomes_article ON outcomes (article_id);

CREATE TABLE lineage (
    article_id ctext NOT NULL,
    stage ctext NOT NULL,
    event_type ctext NOT NULL,
    event_id ctext NOT NULL,
    stageversion ctext NOT NULL,
    causationid ctext,
    time ctext NOT NULL,
    PRIMARY KEY (article_id, stage)
);
CREATE INDEX lineage_stage_version ON lineage (stage, stageversion);

CREATE TABLE skipped (
    stream ctext NOT NULL,
    entry_id ctext NOT NULL,
    event_id ctext,
    event_type ctext,
    reason ctext NOT NULL,
    PRIMARY KEY (stream, entry_id)
);

CREATE TABLE counters (
    name ctext PRIMARY KEY,
    value bigint NOT NULL
);

CREATE TABLE history (
    article_id ctext NOT NULL,
    stream ctext NOT NULL,
    entry_id ctext NOT NULL,
    event_id ctext NOT NULL,
    type ctext NOT NULL,
    stageversion ctext NOT NULL,
    causationid ctext,
    time ctext NOT NULL,
    PRIMARY KEY (stream, entry_id)
);
CREATE INDEX history_article ON history (article_id);

CREATE TABLE retractions (
    article_id ctext PRIMARY KEY,
    event_id ctext NOT NULL,
    reason ctext NOT NULL,
    time ctext NOT NULL,
    correlationid ctext NOT NULL
);

CREATE TABLE retracted_lineage (
    article_id ctext NOT NULL,
    stage ctext NOT NULL,
    event_type ctext NOT NULL,
    event_id ctext NOT NULL,
    stageversion ctext NOT NULL,
    causationid ctext,
    time ctext NOT NULL,
    PRIMARY KEY (article_id, stage)
);

CREATE TABLE amendments (
    event_id ctext PRIMARY KEY,
    article_id ctext NOT NULL,
    kind ctext NOT NULL,
    note ctext NOT NULL,
    time ctext NOT NULL,
    correlationid ctext NOT NULL
);
CREATE INDEX amendments_article ON amendments (article_id);

CREATE TABLE story_signatures (
    article_id ctext PRIMARY KEY,
    minhash_json ctext NOT NULL
);

CREATE TABLE story_bands (
    band integer NOT NULL,
    hash ctext NOT NULL,
    article_id ctext NOT NULL,
    PRIMARY KEY (band, hash, article_id)
);
CREATE INDEX story_bands_article ON story_bands (article_id);

CREATE TABLE story_links (
    a ctext NOT NULL,
    b ctext NOT NULL,
    jaccard double precision NOT NULL,
    PRIMARY KEY (a, b)
);
CREATE INDEX story_links_b ON story_links (b);

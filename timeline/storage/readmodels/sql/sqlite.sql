-- The read models on SQLite (postgresql.sql holds the same tables on PostgreSQL).
-- Read by timeline/storage/readmodels/schema.py: comments are dropped and the rest split at semicolons.
-- Bump READ_MODEL_VERSION (schema.py) whenever a table or what it holds changes: older stores are then rebuilt.

-- 'log': the last log position applied, 'schema': the read-model version that wrote the tables.
CREATE TABLE IF NOT EXISTS rm_position (name TEXT PRIMARY KEY, position INTEGER NOT NULL);

-- Folded states as JSON. first/last: the recorded (system) time of the stream's first and latest event,
-- for --recorded-before.
CREATE TABLE IF NOT EXISTS rm_facts (id TEXT PRIMARY KEY, version INTEGER NOT NULL, state TEXT NOT NULL,
                                     first TEXT NOT NULL, last TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rm_entities (id TEXT PRIMARY KEY, entity TEXT NOT NULL, name TEXT NOT NULL,
                                        version INTEGER NOT NULL, state TEXT NOT NULL,
                                        first TEXT NOT NULL, last TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS rm_facts_by_last ON rm_facts (last);
CREATE INDEX IF NOT EXISTS rm_entities_by_last ON rm_entities (last);
-- The entities of one kind in id order: `list projects|organisations|offices|people` a page at a time.
CREATE INDEX IF NOT EXISTS rm_entities_by_kind ON rm_entities (entity, id);
-- The entities merged into another (few): every query follows merges, without reading every entity. The
-- condition is the query's own (readmodels/queries.py: merged_records), so the planner can use this index.
CREATE INDEX IF NOT EXISTS rm_entities_by_merged ON rm_entities (id) WHERE state NOT LIKE '%"merged":null%';

-- The log positions appended at each recorded time (one row per ingest), for the audit diff.
CREATE TABLE IF NOT EXISTS rm_recorded (recorded TEXT PRIMARY KEY, first INTEGER NOT NULL, last INTEGER NOT NULL);

-- Match keys of an entity's id, name, aliases and dated names.
CREATE TABLE IF NOT EXISTS rm_aliases (key TEXT NOT NULL, entity_id TEXT NOT NULL, PRIMARY KEY (key, entity_id))
    WITHOUT ROWID;

-- Which entities a fact names, in which role, in any statement.
CREATE TABLE IF NOT EXISTS rm_mentions (entity_id TEXT NOT NULL, role TEXT NOT NULL, fact_id TEXT NOT NULL,
                                        PRIMARY KEY (entity_id, role, fact_id)) WITHOUT ROWID;

-- Days on which what the record says about a fact can change: each source's first day, its retraction day,
-- and for a target the first day after a deadline (when it falls overdue).
CREATE TABLE IF NOT EXISTS rm_knowledge (fact_id TEXT NOT NULL, day TEXT NOT NULL, what TEXT NOT NULL,
                                         PRIMARY KEY (fact_id, day, what)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS rm_knowledge_by_day ON rm_knowledge (day);

-- Target keys a fact states, and those a milestone fulfils (in any statement).
CREATE TABLE IF NOT EXISTS rm_targets (key TEXT NOT NULL, fact_id TEXT NOT NULL, PRIMARY KEY (key, fact_id))
    WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS rm_fulfils (key TEXT NOT NULL, fact_id TEXT NOT NULL, PRIMARY KEY (key, fact_id))
    WITHOUT ROWID;

-- For "who held office X on day D": the span of days each fact can attest the office (over every statement).
CREATE TABLE IF NOT EXISTS rm_office_days (office TEXT NOT NULL, fact_id TEXT NOT NULL, first TEXT NOT NULL,
                                           last TEXT NOT NULL, PRIMARY KEY (office, fact_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS rm_office_days_by_first ON rm_office_days (office, first);
CREATE INDEX IF NOT EXISTS rm_office_days_by_last ON rm_office_days (office, last);

-- Facts in occurred order: one row per distinct occurred date a fact can show (its main values' and each
-- differing source's), keyed (start, stop) = that date's EdtfDate.sort_key (start: first day's ordinal, 0 if
-- open, stop: minus the last day's ordinal, wider spans first). Paging in (start, stop, fact_id) order meets
-- each fact at every date it may show: the row matching the date shown as of the day asked places it.
CREATE TABLE IF NOT EXISTS rm_occurred (start INTEGER NOT NULL, stop INTEGER NOT NULL, fact_id TEXT NOT NULL,
                                        PRIMARY KEY (start, stop, fact_id)) WITHOUT ROWID;

-- A project's, a partner's, a person's or an office's facts in occurred order (rows as in rm_occurred, one per
-- entity the fact names in that role in any statement): `project`, `partner` and `person` read a page of them as a
-- range of this key, after the cursor's row, never the entity's every fact; `who` the facts of an occurred window.
CREATE TABLE IF NOT EXISTS rm_named_occurred (entity_id TEXT NOT NULL, role TEXT NOT NULL, start INTEGER NOT NULL,
                                              stop INTEGER NOT NULL, fact_id TEXT NOT NULL,
                                              PRIMARY KEY (entity_id, role, start, stop, fact_id)) WITHOUT ROWID;

-- Full-text search over folded text (no case, no diacritics), rowids are those of rm_facts / rm_entities. The
-- tokenizer folds Latin diacritics itself (search.py prepares what it does not fold the same way).
-- Contentless: only the index is kept (the text is derived from the state again when a row must be deleted).
CREATE VIRTUAL TABLE IF NOT EXISTS rm_fact_search USING fts5(body, content='',
                                                             tokenize='unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE IF NOT EXISTS rm_entity_search USING fts5(body, content='',
                                                               tokenize='unicode61 remove_diacritics 2');
-- Every word rm_fact_search has indexed (and any it indexed once: a word is never removed), so that the last word of
-- a search, a prefix, is looked up as the few words it begins (FTS5's own prefix query reads every row of every
-- such word first). Filled from the new texts a batch at a time (search.py); a superset of the index's words.
CREATE TABLE IF NOT EXISTS rm_vocabulary (word TEXT PRIMARY KEY) WITHOUT ROWID;

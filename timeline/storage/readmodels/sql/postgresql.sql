-- The read models on PostgreSQL (sqlite.sql holds the same tables on SQLite): no implicit rowid (an identity
-- column stands in for it), wide integers for log positions and date keys, no WITHOUT ROWID, search by tsvector.
-- Read by timeline/storage/readmodels/schema.py: comments are dropped and the rest split at semicolons.
-- Bump READ_MODEL_VERSION (schema.py) whenever a table or what it holds changes: older stores are then rebuilt.

-- 'log': the last log position applied, 'schema': the read-model version that wrote the tables.
CREATE TABLE IF NOT EXISTS rm_position (name TEXT PRIMARY KEY, position BIGINT NOT NULL);

-- Folded states as JSON. first/last: the recorded (system) time of the stream's first and latest event,
-- for --recorded-before.
CREATE TABLE IF NOT EXISTS rm_facts (rowid BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE, id TEXT PRIMARY KEY,
                                     version INTEGER NOT NULL, state TEXT NOT NULL,
                                     first TEXT NOT NULL, last TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rm_entities (rowid BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE, id TEXT PRIMARY KEY,
                                        entity TEXT NOT NULL, name TEXT NOT NULL,
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
CREATE TABLE IF NOT EXISTS rm_recorded (recorded TEXT PRIMARY KEY, first BIGINT NOT NULL, last BIGINT NOT NULL);

-- Match keys of an entity's id, name, aliases and dated names.
CREATE TABLE IF NOT EXISTS rm_aliases (key TEXT NOT NULL, entity_id TEXT NOT NULL, PRIMARY KEY (key, entity_id));

-- Which entities a fact names, in which role, in any statement.
CREATE TABLE IF NOT EXISTS rm_mentions (entity_id TEXT NOT NULL, role TEXT NOT NULL, fact_id TEXT NOT NULL,
                                        PRIMARY KEY (entity_id, role, fact_id));

-- Days on which what the record says about a fact can change: each source's first day, its retraction day,
-- and for a target the first day after a deadline (when it falls overdue).
CREATE TABLE IF NOT EXISTS rm_knowledge (fact_id TEXT NOT NULL, day TEXT NOT NULL, what TEXT NOT NULL,
                                         PRIMARY KEY (fact_id, day, what));
CREATE INDEX IF NOT EXISTS rm_knowledge_by_day ON rm_knowledge (day);

-- Target keys a fact states, and those a milestone fulfils (in any statement).
CREATE TABLE IF NOT EXISTS rm_targets (key TEXT NOT NULL, fact_id TEXT NOT NULL, PRIMARY KEY (key, fact_id));
CREATE TABLE IF NOT EXISTS rm_fulfils (key TEXT NOT NULL, fact_id TEXT NOT NULL, PRIMARY KEY (key, fact_id));

-- For "who held office X on day D": the span of days each fact can attest the office (over every statement).
CREATE TABLE IF NOT EXISTS rm_office_days (office TEXT NOT NULL, fact_id TEXT NOT NULL, first TEXT NOT NULL,
                                           last TEXT NOT NULL, PRIMARY KEY (office, fact_id));
CREATE INDEX IF NOT EXISTS rm_office_days_by_first ON rm_office_days (office, first);
CREATE INDEX IF NOT EXISTS rm_office_days_by_last ON rm_office_days (office, last);

-- Facts in occurred order: one row per distinct occurred date a fact can show (its main values' and each
-- differing source's), keyed (start, stop) = that date's EdtfDate.sort_key (start: first day's ordinal, 0 if
-- open, stop: minus the last day's ordinal, wider spans first). Paging in (start, stop, fact_id) order meets
-- each fact at every date it may show: the row matching the date shown as of the day asked places it.
CREATE TABLE IF NOT EXISTS rm_occurred (start BIGINT NOT NULL, stop BIGINT NOT NULL, fact_id TEXT NOT NULL,
                                        PRIMARY KEY (start, stop, fact_id));

-- A project's, a partner's, a person's or an office's facts in occurred order (rows as in rm_occurred, one per
-- entity the fact names in that role in any statement): `project`, `partner` and `person` read a page of them as a
-- range of this key, after the cursor's row, never the entity's every fact; `who` the facts of an occurred window.
CREATE TABLE IF NOT EXISTS rm_named_occurred (entity_id TEXT NOT NULL, role TEXT NOT NULL, start BIGINT NOT NULL,
                                              stop BIGINT NOT NULL, fact_id TEXT NOT NULL,
                                              PRIMARY KEY (entity_id, role, start, stop, fact_id));

-- Full-text search over folded text: folded before it is stored (diacritics removed, as `unaccent` would) and
-- split into words as FTS5's unicode61 splits it (search.py), so the 'simple' configuration (lower case, no
-- stemming, no stop words) finds what SQLite finds. rowids are those of rm_facts / rm_entities.
CREATE TABLE IF NOT EXISTS rm_fact_search (rowid BIGINT PRIMARY KEY, body TEXT NOT NULL, words TSVECTOR NOT NULL);
CREATE TABLE IF NOT EXISTS rm_entity_search (rowid BIGINT PRIMARY KEY, body TEXT NOT NULL, words TSVECTOR NOT NULL);
CREATE INDEX IF NOT EXISTS rm_fact_search_words ON rm_fact_search USING GIN (words);
CREATE INDEX IF NOT EXISTS rm_entity_search_words ON rm_entity_search USING GIN (words);
-- The words of rm_fact_search for SQLite's prefix lookups (sqlite.sql); PostgreSQL matches a prefix in its GIN index
-- itself and leaves this table empty.
CREATE TABLE IF NOT EXISTS rm_vocabulary (word TEXT PRIMARY KEY);

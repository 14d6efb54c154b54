// Released migrations are never edited; add a new numbered file instead.
export const sql = `
CREATE TABLE projects (
  slug          TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  cache_policy  TEXT NOT NULL DEFAULT 'deterministic',
  cache_ttl_sec INTEGER NOT NULL DEFAULT 604800,
  cache_version INTEGER NOT NULL DEFAULT 1,
  budget_json   TEXT NOT NULL DEFAULT '{}',
  limits_json   TEXT NOT NULL DEFAULT '{}',
  created_at    INTEGER NOT NULL
);

CREATE TABLE traces (
  seq               INTEGER PRIMARY KEY AUTOINCREMENT,
  id                TEXT NOT NULL UNIQUE,
  ts                INTEGER NOT NULL,
  project           TEXT NOT NULL,
  endpoint          TEXT NOT NULL,
  method            TEXT NOT NULL,
  path              TEXT NOT NULL,
  model_requested   TEXT,
  model_used        TEXT,
  provider          TEXT,
  status            INTEGER NOT NULL,
  stream            INTEGER NOT NULL,
  cache             TEXT NOT NULL,
  cache_layer       TEXT,
  cache_reason      TEXT,
  cache_entry_id    TEXT,
  latency_ms        REAL NOT NULL,
  ttfb_ms           REAL,
  prompt_tokens     INTEGER,
  cached_tokens     INTEGER,
  completion_tokens INTEGER,
  reasoning_tokens  INTEGER,
  cost_usd          REAL,
  saved_usd         REAL NOT NULL DEFAULT 0,
  usage_estimated   INTEGER NOT NULL DEFAULT 0,
  user              TEXT,
  feature           TEXT,
  tags              TEXT NOT NULL DEFAULT '',
  error             TEXT,
  stages_json       TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX traces_project_seq ON traces(project, seq);
CREATE INDEX traces_ts ON traces(ts);

CREATE TABLE trace_bodies (
  trace_id          TEXT PRIMARY KEY REFERENCES traces(id) ON DELETE CASCADE,
  request_headers   TEXT NOT NULL,
  response_headers  TEXT NOT NULL,
  request_body      TEXT,
  response_body     TEXT,
  streamed_text     TEXT
);

CREATE TABLE cache_entries (
  id            TEXT PRIMARY KEY,
  project       TEXT NOT NULL,
  namespace     TEXT NOT NULL,
  endpoint      TEXT NOT NULL,
  model         TEXT NOT NULL,
  layer         TEXT NOT NULL DEFAULT 'exact',
  prompt        TEXT NOT NULL,
  request_json  TEXT NOT NULL,
  response_body BLOB NOT NULL,
  usage_json    TEXT,
  cost_usd      REAL,
  tags          TEXT NOT NULL DEFAULT '',
  created_at    INTEGER NOT NULL,
  expires_at    INTEGER,
  hits          INTEGER NOT NULL DEFAULT 0,
  saved_usd     REAL NOT NULL DEFAULT 0,
  last_hit_at   INTEGER
);
CREATE INDEX cache_entries_project ON cache_entries(project, created_at);

-- one row per project, local day, user, feature and model: spend totals are sums of traces
CREATE TABLE spend_daily (
  project           TEXT NOT NULL,
  day               TEXT NOT NULL,
  user              TEXT NOT NULL DEFAULT '',
  feature           TEXT NOT NULL DEFAULT '',
  model             TEXT NOT NULL DEFAULT '',
  cost_usd          REAL NOT NULL DEFAULT 0,
  saved_usd         REAL NOT NULL DEFAULT 0,
  requests          INTEGER NOT NULL DEFAULT 0,
  cache_hits        INTEGER NOT NULL DEFAULT 0,
  unpriced_requests INTEGER NOT NULL DEFAULT 0,
  prompt_tokens     INTEGER NOT NULL DEFAULT 0,
  completion_tokens INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (project, day, user, feature, model)
);

CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`;

// Released migrations are never edited; add a new numbered file instead.
// Semantic cache: one vector row per semantically indexed cache entry (the entry holds the answer),
// per-project semantic settings, and what a trace matched.
export const sql = `
CREATE TABLE semantic_vectors (
  entry_id       TEXT PRIMARY KEY REFERENCES cache_entries(id) ON DELETE CASCADE,
  -- namespace + endpoint + everything but the last user turn, hashed: a match must share it exactly
  context_key    TEXT NOT NULL,
  embedder       TEXT NOT NULL,
  -- the embedded text (the last user turn); kept to re-embed on an embedder switch and for the verifier
  text           TEXT NOT NULL,
  -- float32 little-endian, L2-normalized; NULL while waiting to be (re-)embedded
  vector         BLOB,
  -- a hit needs at least this cosine; raised when a hit on this entry is reported wrong
  min_similarity REAL,
  wrong_reports  INTEGER NOT NULL DEFAULT 0,
  last_similarity REAL
);
CREATE INDEX semantic_vectors_context ON semantic_vectors(context_key);

ALTER TABLE projects ADD COLUMN semantic_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE traces ADD COLUMN cache_similarity REAL;
ALTER TABLE traces ADD COLUMN cache_match_json TEXT;
`;

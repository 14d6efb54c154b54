// Released migrations are never edited; add a new numbered file instead.
// The LLM judge's YES and NO per (cache entry, judge model, prompt), so a restart does not pay for them again.
// They go with their entry.
export const sql = `
CREATE TABLE judge_verdicts (
  entry_id     TEXT NOT NULL REFERENCES cache_entries(id) ON DELETE CASCADE,
  model        TEXT NOT NULL,
  prompt_hash  TEXT NOT NULL,
  verdict      TEXT NOT NULL CHECK (verdict IN ('yes', 'no')),
  ts           INTEGER NOT NULL,
  PRIMARY KEY (entry_id, model, prompt_hash)
) WITHOUT ROWID;
`;

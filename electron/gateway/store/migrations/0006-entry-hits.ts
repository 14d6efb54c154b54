// Released migrations are never edited; add a new numbered file instead.
// The cache browser lists the requests an entry answered: hits only, newest first, without scanning every trace.
export const sql = `
CREATE INDEX IF NOT EXISTS traces_entry_hits ON traces(cache_entry_id, seq) WHERE cache = 'hit';
`;

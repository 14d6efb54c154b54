// Released migrations are never edited; add a new numbered file instead.
// Per project: keep request/response bodies and headers with its traces (1), or only the trace row (0).
export const sql = `
ALTER TABLE projects ADD COLUMN keep_bodies INTEGER NOT NULL DEFAULT 1;
`;

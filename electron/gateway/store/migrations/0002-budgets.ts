// Released migrations are never edited; add a new numbered file instead.
export const sql = `
-- settled spend per budget bucket: scope 'project' (scope_key ''), 'user' or 'feature', and a period key in the
-- project's time zone ('d:2026-12-03' or 'm:2026-12'); alerted = highest alert threshold already sent (percent)
CREATE TABLE budget_spend (
  project    TEXT NOT NULL,
  scope      TEXT NOT NULL,
  scope_key  TEXT NOT NULL DEFAULT '',
  period     TEXT NOT NULL,
  spent_usd  REAL NOT NULL DEFAULT 0,
  alerted    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (project, scope, scope_key, period)
);

ALTER TABLE traces ADD COLUMN downgraded_from TEXT;
`;

// Released migrations are never edited; add a new numbered file instead.
export const sql = `
ALTER TABLE traces ADD COLUMN attempts_json TEXT NOT NULL DEFAULT '[]';
ALTER TABLE traces ADD COLUMN routing_json TEXT;
ALTER TABLE traces ADD COLUMN routing_saved_usd REAL;
-- what routing (cheaper tiers, downgrades) saved against the requested models, summed like cost
ALTER TABLE spend_daily ADD COLUMN routing_saved_usd REAL NOT NULL DEFAULT 0;

-- model aliases: scope '' is global, else a project slug (a project's alias shadows the global one)
CREATE TABLE aliases (
  scope        TEXT NOT NULL,
  name         TEXT NOT NULL,
  targets_json TEXT NOT NULL,
  strategy     TEXT NOT NULL,
  updated_at   INTEGER NOT NULL,
  PRIMARY KEY (scope, name)
);

-- per-project routing rules (complexity tiers)
CREATE TABLE routing_rules (
  project    TEXT PRIMARY KEY,
  rule_json  TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
`;

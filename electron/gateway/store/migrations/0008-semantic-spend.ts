// Released migrations are never edited; add a new numbered file instead.
// Semantic hits and what they saved, summed per spend row like the other cache hits, so the overview can tell the
// layers apart. Rows from before are filled from the traces still kept (older ones count their semantic hits as hits
// only). SQLite's 'localtime' and the gateway's local day both follow the process's time zone.
export const sql = `
ALTER TABLE spend_daily ADD COLUMN semantic_hits INTEGER NOT NULL DEFAULT 0;
ALTER TABLE spend_daily ADD COLUMN semantic_saved_usd REAL NOT NULL DEFAULT 0;

CREATE TEMP TABLE semantic_backfill AS
  SELECT project, date(ts / 1000, 'unixepoch', 'localtime') AS day, COALESCE(user, '') AS user,
    COALESCE(feature, '') AS feature, COALESCE(model_used, model_requested, '') AS model,
    count(*) AS hits, SUM(saved_usd) AS saved
  FROM traces WHERE cache = 'hit' AND cache_layer = 'semantic'
  GROUP BY 1, 2, 3, 4, 5;
UPDATE spend_daily SET semantic_hits = b.hits, semantic_saved_usd = b.saved
  FROM semantic_backfill AS b
  WHERE b.project = spend_daily.project AND b.day = spend_daily.day AND b.user = spend_daily.user
    AND b.feature = spend_daily.feature AND b.model = spend_daily.model;
DROP TABLE semantic_backfill;
`;

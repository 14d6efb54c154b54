import type Database from 'better-sqlite3';

export interface SemanticRow {
  entryId: string;
  contextKey: string;
  embedder: string;
  text: string;
  vector: Float32Array | null;
  minSimilarity: number | null;
  wrongReports: number;
  lastSimilarity: number | null;
  project: string;
}

interface Row {
  entry_id: string; context_key: string; embedder: string; text: string; vector: Buffer | null;
  min_similarity: number | null; wrong_reports: number; last_similarity: number | null; project: string;
}

const toVector = (b: Buffer | null) => (b ? new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)) : null);
const toBlob = (v: Float32Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);

function toRow(r: Row): SemanticRow {
  return {
    entryId: r.entry_id, contextKey: r.context_key, embedder: r.embedder, text: r.text, vector: toVector(r.vector),
    minSimilarity: r.min_similarity, wrongReports: r.wrong_reports, lastSimilarity: r.last_similarity, project: r.project,
  };
}

const SELECT = `SELECT v.*, e.project FROM semantic_vectors v JOIN cache_entries e ON e.id = v.entry_id`;

/** Vectors of semantically indexed cache entries; the entry row (answer, TTL, hits) stays in cache_entries. */
export function createSemanticRepo(db: Database.Database) {
  const upsert = db.prepare(`INSERT OR REPLACE INTO semantic_vectors (entry_id, context_key, embedder, text, vector)
    VALUES (?, ?, ?, ?, ?)`);
  const markLayer = db.prepare(`UPDATE cache_entries SET layer = 'semantic' WHERE id = ?`);
  const setVector = db.prepare('UPDATE semantic_vectors SET embedder = ?, vector = ? WHERE entry_id = ?');
  const lastSimilarity = db.prepare('UPDATE semantic_vectors SET last_similarity = ? WHERE entry_id = ?');
  const tighten = db.prepare(`UPDATE semantic_vectors SET min_similarity = ?, wrong_reports = wrong_reports + 1
    WHERE entry_id = ? RETURNING min_similarity`);
  const selectOne = db.prepare(`${SELECT} WHERE v.entry_id = ?`);
  const byEmbedder = db.prepare(`${SELECT} WHERE v.embedder = ? AND v.vector IS NOT NULL AND e.project IN (SELECT value FROM json_each(?))`);
  const stale = db.prepare(`${SELECT} WHERE (v.embedder != ? OR v.vector IS NULL) AND e.project = ? LIMIT ?`);
  const byProject = db.prepare(`${SELECT} WHERE e.project = ? AND v.embedder = ? AND v.vector IS NOT NULL`);
  // CROSS JOIN keeps SQLite walking semantic_vectors by rowid from the cursor; with a plain JOIN it reads the whole
  // project through its index and sorts it, for every page
  const page = db.prepare(`SELECT v.*, v.rowid AS row_id, e.project FROM semantic_vectors v CROSS JOIN cache_entries e ON e.id = v.entry_id
    WHERE e.project = ? AND v.embedder = ? AND v.vector IS NOT NULL AND v.rowid > ? ORDER BY v.rowid LIMIT ?`);
  const pageNoVectors = db.prepare(`SELECT v.entry_id, v.context_key, v.embedder, v.text, NULL AS vector, v.min_similarity, v.wrong_reports,
    v.last_similarity, v.rowid AS row_id, e.project FROM semantic_vectors v CROSS JOIN cache_entries e ON e.id = v.entry_id
    WHERE e.project = ? AND v.embedder = ? AND v.vector IS NOT NULL AND v.rowid > ? ORDER BY v.rowid LIMIT ?`);
  const vectorsOf = db.prepare(`SELECT entry_id, vector FROM semantic_vectors WHERE entry_id IN (SELECT value FROM json_each(?)) AND embedder = ?`);
  const entryIds = db.prepare('SELECT entry_id FROM semantic_vectors').pluck();
  const embedders = db.prepare(`SELECT DISTINCT v.embedder FROM semantic_vectors v JOIN cache_entries e ON e.id = v.entry_id
    WHERE e.project = ? AND v.vector IS NOT NULL`).pluck();

  return {
    insert(r: { entryId: string; contextKey: string; embedder: string; text: string; vector: Float32Array }) {
      upsert.run(r.entryId, r.contextKey, r.embedder, r.text, toBlob(r.vector));
      markLayer.run(r.entryId);
    },
    get(entryId: string): SemanticRow | undefined {
      const r = selectOne.get(entryId) as Row | undefined;
      return r ? toRow(r) : undefined;
    },
    setVector(entryId: string, embedder: string, vector: Float32Array) { setVector.run(embedder, toBlob(vector), entryId); },
    setLastSimilarity(entryId: string, similarity: number) { lastSimilarity.run(similarity, entryId); },
    tighten(entryId: string, minSimilarity: number): number | undefined {
      return (tighten.get(minSimilarity, entryId) as { min_similarity: number } | undefined)?.min_similarity;
    },
    /** vectors of this embedder for these projects, to fill the in-memory index */
    listForEmbedder(embedder: string, projects: string[]): SemanticRow[] {
      return (byEmbedder.all(embedder, JSON.stringify(projects)) as Row[]).map(toRow);
    },
    /** rows of a project still embedded by another embedder (or not at all): the background re-embed's work */
    listStale(embedder: string, project: string, limit: number): SemanticRow[] {
      return (stale.all(embedder, project, limit) as Row[]).map(toRow);
    },
    listForProject(project: string, embedder: string): SemanticRow[] {
      return (byProject.all(project, embedder) as Row[]).map(toRow);
    },
    /** listForProject a page at a time (rows after `cursor`), so a big project is read between other work */
    pageForProject(project: string, embedder: string, cursor: number, limit: number, withVectors = true): { rows: SemanticRow[]; cursor: number } {
      const page_ = (withVectors ? page : pageNoVectors).all(project, embedder, cursor, limit) as Array<Row & { row_id: number }>;
      return { rows: page_.map(toRow), cursor: page_.length ? page_[page_.length - 1]!.row_id : cursor };
    },
    /** the stored vectors (of this embedder) of these entries */
    vectorsOf(ids: string[], embedder: string): Map<string, Float32Array> {
      const rows = vectorsOf.all(JSON.stringify(ids), embedder) as Array<{ entry_id: string; vector: Buffer | null }>;
      return new Map(rows.filter((r) => r.vector).map((r) => [r.entry_id, toVector(r.vector)!]));
    },
    /** every entry that has a semantic row */
    listEntryIds(): Set<string> { return new Set(entryIds.all() as string[]); },
    /** the embedders a project's stored vectors come from */
    listEmbedders(project: string): string[] { return embedders.all(project) as string[]; },
  };
}

export type SemanticRepo = ReturnType<typeof createSemanticRepo>;

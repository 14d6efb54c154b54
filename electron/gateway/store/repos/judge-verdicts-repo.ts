import type Database from 'better-sqlite3';

export type StoredVerdict = 'yes' | 'no';

export function createJudgeVerdictsRepo(db: Database.Database) {
  const selectOne = db.prepare('SELECT verdict FROM judge_verdicts WHERE entry_id = ? AND model = ? AND prompt_hash = ?').pluck();
  // an entry invalidated while its judge was out leaves nothing behind
  const upsert = db.prepare(`INSERT OR REPLACE INTO judge_verdicts (entry_id, model, prompt_hash, verdict, ts)
    SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM cache_entries WHERE id = ?)`);

  return {
    get(entryId: string, model: string, promptHash: string): StoredVerdict | null {
      return (selectOne.get(entryId, model, promptHash) as StoredVerdict | undefined) ?? null;
    },
    put(entryId: string, model: string, promptHash: string, verdict: StoredVerdict, ts: number) {
      upsert.run(entryId, model, promptHash, verdict, ts, entryId);
    },
  };
}

export type JudgeVerdictsRepo = ReturnType<typeof createJudgeVerdictsRepo>;

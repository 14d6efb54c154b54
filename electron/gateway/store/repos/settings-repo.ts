import type Database from 'better-sqlite3';

export function createSettingsRepo(db: Database.Database) {
  const select = db.prepare('SELECT value FROM settings WHERE key = ?');
  const upsert = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  const remove = db.prepare('DELETE FROM settings WHERE key = ?');
  const selectPrefix = db.prepare("SELECT key FROM settings WHERE key >= ? AND key < ? ORDER BY key");
  return {
    /** every key starting with prefix */
    keys: (prefix: string) => (selectPrefix.all(prefix, prefix + '\uffff') as Array<{ key: string }>).map((r) => r.key),
    get: (key: string) => (select.get(key) as { value: string } | undefined)?.value,
    set: (key: string, value: string) => void upsert.run(key, value),
    delete: (key: string) => remove.run(key).changes,
  };
}

export type SettingsRepo = ReturnType<typeof createSettingsRepo>;

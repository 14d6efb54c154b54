import type Database from 'better-sqlite3';
import { sql as init } from './migrations/0001-init';
import { sql as budgets } from './migrations/0002-budgets';
import { sql as semantic } from './migrations/0003-semantic';
import { sql as routing } from './migrations/0004-routing';
import { sql as bodies } from './migrations/0005-bodies';
import { sql as entryHits } from './migrations/0006-entry-hits';
import { sql as judgeVerdicts } from './migrations/0007-judge-verdicts';
import { sql as semanticSpend } from './migrations/0008-semantic-spend';

/** Ordered; index + 1 is the schema version recorded in PRAGMA user_version. */
const MIGRATIONS: readonly string[] = [init, budgets, semantic, routing, bodies, entryHits, judgeVerdicts, semanticSpend];

/** `upTo`: stop at that schema version (tests of a migration's data step) */
export function migrate(db: Database.Database, upTo = MIGRATIONS.length): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`The database is at schema version ${current}, newer than this Tollgate knows (${MIGRATIONS.length}). Update Tollgate or use another --data-dir.`);
  }
  for (let v = current; v < Math.min(upTo, MIGRATIONS.length); v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return Math.min(upTo, MIGRATIONS.length);
}

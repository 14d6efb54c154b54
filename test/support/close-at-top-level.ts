// A script that writes enough for the WAL checkpoint worker to start, then awaits store.close() at top level and
// prints "closed". store/db.test.ts runs it: Node ends a script whose top-level await never settles with exit 13.
//   node --import tsx test/support/close-at-top-level.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../electron/gateway/store/db';

const dir = mkdtempSync(join(tmpdir(), 'tollgate-close-'));
const store = openStore(dir, { onError: (err) => console.error(err) });
store.db.exec('CREATE TABLE blobs (data BLOB NOT NULL)');
const put = store.db.prepare('INSERT INTO blobs (data) VALUES (?)');
for (let i = 0; i < 40; i++) {
  store.enqueue(() => put.run(Buffer.alloc(100_000, 1)));
  store.flush();
}
for (let waited = 0; store.checkpointer() !== 'running' && waited < 10_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
console.log(`checkpointer ${store.checkpointer()}`);
await store.close();
rmSync(dir, { recursive: true, force: true });
console.log('closed');

import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where provider keys live. Headless: a 0600 JSON file in the data dir. The desktop shell passes its own
 * store backed by Electron's safeStorage (GatewayOptions.secretStore), so keys never touch SQLite or traces.
 */
export interface SecretStore {
  get(id: string): string | null;
  set(id: string, value: string | null): void;
}

export function createFileSecretStore(dataDir: string): SecretStore {
  const file = join(dataDir, 'secrets.json');
  const secrets: Record<string, string> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) as Record<string, string> : {};
  return {
    get: (id) => secrets[id] ?? null,
    set(id, value) {
      if (value === null) delete secrets[id]; else secrets[id] = value;
      writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
      chmodSync(file, 0o600);
    },
  };
}

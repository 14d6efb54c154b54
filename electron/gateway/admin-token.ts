import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** TOLLGATE_ADMIN_TOKEN, else the token kept in <dataDir>/admin-token (0600), made on first start. */
export function resolveAdminToken(dataDir: string, given: string | undefined, env: NodeJS.ProcessEnv): string {
  if (given) return given;
  if (env.TOLLGATE_ADMIN_TOKEN) return env.TOLLGATE_ADMIN_TOKEN;
  const file = join(dataDir, 'admin-token');
  if (existsSync(file)) {
    const saved = readFileSync(file, 'utf8').trim();
    if (saved) return saved;
  }
  const token = randomBytes(24).toString('base64url');
  writeFileSync(file, token + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
  return token;
}

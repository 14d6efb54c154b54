import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Fails the whole e2e run at once, with the fix, when the dashboard was not built. */
export default function requireBuild(): void {
  const index = fileURLToPath(new URL('../../out/renderer/index.html', import.meta.url));
  if (!existsSync(index)) {
    throw new Error(`The e2e tests drive the built dashboard, but ${index} is missing. Run \`npm run build\` first.`);
  }
}

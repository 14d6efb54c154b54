import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

describe('npm run eval:semantic', () => {
  it('caches each a, looks up each b through the gateway code, and prints the numbers as one JSON line', { timeout: 120_000 }, async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/semantic/eval-semantic.ts', '--pairs', 'test/fixtures/semantic-pairs.jsonl'], { cwd: ROOT });
    const last = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    // three support-bot paraphrases hit; negation, numbers, swapped roles and another country do not
    expect(last).toMatchObject({ pairs: 7, positives: 3, negatives: 4, truePositives: 3, falseHits: 0, precision: 1, recall: 1, hitRate: 1, falseHitRate: 0 });
    expect(last.pairsPerSec).toBeGreaterThan(0);
  });

  it('on a support-bot workload: paraphrases hit, none of the traps do (--show prints every pair)', { timeout: 120_000 }, async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/semantic/eval-semantic.ts', '--pairs', 'test/fixtures/support-bot-pairs.jsonl', '--show'], { cwd: ROOT });
    const lines = stdout.trim().split('\n');
    const last = JSON.parse(lines.at(-1)!) as { positives: number; negatives: number; truePositives: number; falseHits: number };
    expect(last).toMatchObject({ positives: 22, negatives: 14, falseHits: 0 });
    // 9 of 22 with the shipped verifier and USE-Lite (docs/semantic-cache.md); fewer would be a regression
    expect(last.truePositives).toBeGreaterThanOrEqual(9);
    expect(lines.filter((l) => l.startsWith('HIT  same')).length).toBe(last.truePositives);
    expect(lines.filter((l) => l.startsWith('HIT  diff'))).toEqual([]);
  });

  it('explains its usage when --pairs is missing', async () => {
    const err = await run(process.execPath, ['--import', 'tsx', 'scripts/semantic/eval-semantic.ts'], { cwd: ROOT }).then(() => null, (e: { code: number; stderr: string }) => e);
    expect(err?.code).toBe(2);
    expect(err?.stderr).toMatch(/usage: npm run eval:semantic -- --pairs FILE\.jsonl/);
  });
});

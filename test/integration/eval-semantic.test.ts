import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { startMockUpstream } from '../support/mock-upstream';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const runRaw = promisify(execFile);
/** runs the script; a failure says what the script printed to stderr */
async function run(...args: Parameters<typeof runRaw>): Promise<{ stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await runRaw(...args);
    return { stdout: String(stdout), stderr: String(stderr) };
  } catch (err) {
    const e = err as Error & { stderr?: string; code?: number };
    throw new Error(`${e.message}(exit ${e.code})\n${e.stderr ?? ''}`);
  }
}

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

  it('with --judge-model asks that model about each borderline miss, as the gateway would, and counts its verdicts', { timeout: 120_000 }, async () => {
    const mock = await startMockUpstream({ quiet: true, requireKey: 'sk-judge' });
    try {
      // the support-bot workload has 7 borderline paraphrases at band 0.15 (and no borderline trap)
      mock.script([{ content: 'YES' }, { content: 'No.' }, { status: 500 }, { content: 'YES' }, { content: 'Maybe' }, { content: 'yes' }, { content: 'NO' }]);
      const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/semantic/eval-semantic.ts', '--pairs', 'test/fixtures/support-bot-pairs.jsonl',
        '--judge-band', '0.15', '--judge-model', 'gpt-4o-mini', '--judge-url', mock.url], { cwd: ROOT, env: { ...process.env, OPENAI_API_KEY: 'sk-judge' } });
      const last = JSON.parse(stdout.trim().split('\n').at(-1)!) as { positives: number; negatives: number; truePositives: number; falseHits: number; judge: Record<string, unknown> };
      expect(last.judge).toMatchObject({ band: 0.15, borderlineSame: 7, borderlineDifferent: 0, model: 'gpt-4o-mini', asked: 7, yes: 3, no: 2, failed: 2, yesSame: 3, yesDifferent: 0 });
      expect(last.judge.recallWithJudge).toBeCloseTo((last.truePositives + 3) / last.positives, 4);
      expect(last.judge).toMatchObject({ precisionWithJudge: 1, falseHitRateWithJudge: 0 });
      // one call per borderline miss, each the gateway's judge request: both prompts, temperature 0, a few tokens
      const calls = mock.calls.filter((c) => c.path.endsWith('/chat/completions'));
      expect(calls).toHaveLength(7);
      const body = calls[0]!.body as { model: string; temperature: number; max_tokens: number; messages: Array<{ content: string }> };
      expect(body).toMatchObject({ model: 'gpt-4o-mini', temperature: 0, max_tokens: 3 });
      expect(body.messages.at(-1)!.content).toMatch(/Request A:[\s\S]*Request B:/);
    } finally {
      await mock.close();
    }
  });

  it('explains its usage when --pairs is missing', async () => {
    const err = await runRaw(process.execPath, ['--import', 'tsx', 'scripts/semantic/eval-semantic.ts'], { cwd: ROOT }).then(() => null, (e: { code: number; stderr: string }) => e);
    expect(err?.code).toBe(2);
    expect(err?.stderr).toMatch(/usage: npm run eval:semantic -- --pairs FILE\.jsonl/);
  });
});

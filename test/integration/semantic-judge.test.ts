import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type OpenAI from 'openai';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { describe, expect, it } from 'vitest';
import type { Project, ProjectUsage, SemanticJudge } from '../../shared/api/dto';
import type { RecordedCall } from '../support/mock-upstream';
import { startTestGateway, useSharedGateway, type TestGateway } from '../support/start-gateway';
import { fetchTrace } from '../support/wire';

// Borderline pairs, measured with USE-Lite and the shipped verifier (balanced needs 0.9185; the default band
// reaches down to 0.7685): each pair passes every guard and scores between the two.
//   "How do I cancel my subscription?"   / "What is the way to cancel my subscription?"   0.858
//   "How do I delete my account?"        / "What is the way to delete my account?"        0.858
//   "How do I export my data?"           / "What is the way to export my data?"           0.879
//   "How do I change my email address?"  / "What is the way to change my email address?"  0.890
// Guard-vetoed traps that would be in a 0.5 band:
//   "How do I cancel my subscription?"   / "What is the way to cancel my subscription in 2 days?"  0.777, number
//   "How do I cancel my subscription?"   / "What is the way to not cancel my subscription?"        0.783, negation

let t: TestGateway;

// a long judge timeout here, so a loaded machine never turns a scripted verdict into a timeout; the timeout test has its own gateway
useSharedGateway({ semanticJudge: { timeoutMs: 10_000 } }, (gw) => {
  t = gw;
});

const isJudgeCall = (c: RecordedCall) => JSON.stringify(c.body?.messages ?? '').includes('Answer YES or NO');
const chatCalls = () => t.mock.calls.filter((c) => c.path.endsWith('/chat/completions'));
const judgeCalls = () => chatCalls().filter(isJudgeCall);
const answerCalls = () => chatCalls().filter((c) => !isJudgeCall(c));

const ask = (content: string): ChatCompletionCreateParamsNonStreaming => ({ model: 'gpt-4o', messages: [{ role: 'user', content }], temperature: 0 });

async function call(c: OpenAI, body: ChatCompletionCreateParamsNonStreaming) {
  const { data, response } = await c.chat.completions.create(body).withResponse();
  const h = response.headers;
  return {
    data, cache: h.get('x-tollgate-cache'), layer: h.get('x-tollgate-cache-layer'), judge: h.get('x-tollgate-cache-judge'),
    similarity: h.get('x-tollgate-similarity'), cost: h.get('x-tollgate-cost-usd'), reason: h.get('x-tollgate-cache-reason'), traceId: h.get('x-tollgate-trace-id'),
  };
}

/** A project with semantic caching on and this judge; its client. */
async function setUp(slug: string, judge: SemanticJudge | null, extra: Record<string, unknown> = {}): Promise<OpenAI> {
  const r = await t.admin<Project>('/admin/v1/projects', { method: 'POST', body: { slug, semantic: { enabled: true, judge }, ...extra } });
  expect(r.status).toBe(201);
  return t.client({ project: slug });
}

describe('semantic cache: LLM judge for borderline candidates', () => {
  it('a borderline paraphrase the judge says YES to is a semantic hit: one judge call through the alias, no answer call', async () => {
    const c = await setUp('judge-yes', { model: 'cheap-judge' });
    const alias = await t.admin('/admin/v1/projects/judge-yes/aliases/cheap-judge', { method: 'PUT', body: { targets: ['gpt-4o-mini'] } });
    expect(alias.status).toBeLessThan(300);

    const first = await call(c, ask('How do I cancel my subscription?'));
    expect(first.cache).toBe('miss');
    expect(first.judge).toBeNull();
    t.mock.reset();

    t.mock.script([{ content: 'YES' }]);
    const second = await call(c, ask('What is the way to cancel my subscription?'));
    expect(second.cache).toBe('hit');
    expect(second.layer).toBe('semantic');
    expect(second.judge).toBe('yes');
    expect(Number(second.similarity)).toBeGreaterThan(0.5);
    expect(second.data.choices[0]!.message.content).toBe(first.data.choices[0]!.message.content);
    expect(judgeCalls()).toHaveLength(1);
    expect(answerCalls()).toHaveLength(0);

    // the judge's own request: the alias's model, deterministic, short, both prompts, the gateway's key
    const j = judgeCalls()[0]!;
    expect(j.body).toMatchObject({ model: 'gpt-4o-mini', temperature: 0 });
    expect(j.body.max_tokens).toBeLessThanOrEqual(5);
    const prompt = JSON.stringify(j.body.messages);
    expect(prompt).toContain('How do I cancel my subscription?');
    expect(prompt).toContain('What is the way to cancel my subscription?');
    expect(j.headers.authorization).toBe('Bearer sk-gateway-key-0000000000000000');

    // its cost is the request's cost, in the header, the trace and the project's spend; the hit saved the answer
    const trace = await fetchTrace(t, second.traceId);
    const verdict = trace.cacheMatch?.judge;
    expect(verdict).toMatchObject({ model: 'cheap-judge', target: 'openai/gpt-4o-mini', verdict: 'yes', cached: false });
    expect(verdict!.costUsd).toBeGreaterThan(0);
    expect(trace.costUsd).toBeCloseTo(verdict!.costUsd!, 12);
    expect(Number(second.cost)).toBeCloseTo(verdict!.costUsd!, 9);
    expect(trace.savedUsd).toBeGreaterThan(0);
    expect(trace.cacheMatch!.probability).toBeLessThan(trace.cacheMatch!.threshold);
    expect(trace.cacheMatch!.prompt).toBe('How do I cancel my subscription?');
    const usage = await t.admin<ProjectUsage>('/admin/v1/projects/judge-yes/usage');
    const firstTrace = await fetchTrace(t, first.traceId);
    expect(usage.body.daily.spentUsd).toBeCloseTo(firstTrace.costUsd! + verdict!.costUsd!, 9);

    // the verdict is remembered: the same prompt again pays no second judge call
    const third = await call(c, ask('What is the way to cancel my subscription?'));
    expect(third.cache).toBe('hit');
    expect(third.judge).toBe('yes');
    expect(judgeCalls()).toHaveLength(1);
    expect(answerCalls()).toHaveLength(0);
    const again = await fetchTrace(t, third.traceId);
    expect(again.cacheMatch?.judge).toMatchObject({ verdict: 'yes', cached: true, costUsd: 0 });
    expect(again.costUsd).toBe(0);
  });

  it('a borderline paraphrase the judge says NO to is a miss: the answer call happens', async () => {
    const c = await setUp('judge-no', { model: 'gpt-4o-mini' });
    await call(c, ask('How do I delete my account?'));
    t.mock.reset();
    t.mock.script([{ content: 'NO' }]);
    const r = await call(c, ask('What is the way to delete my account?'));
    expect(r.cache).toBe('miss');
    expect(r.judge).toBe('no');
    expect(r.reason).toContain('judge said NO');
    expect(r.data.choices[0]!.message.content).toBe('Echo: What is the way to delete my account?');
    expect(judgeCalls()).toHaveLength(1);
    expect(answerCalls()).toHaveLength(1);
    const trace = await fetchTrace(t, r.traceId);
    expect(trace.cacheMatch?.judge).toMatchObject({ verdict: 'no', target: 'openai/gpt-4o-mini' });
    // the request paid for its answer and for the judge
    const judgeCost = trace.cacheMatch!.judge!.costUsd!;
    expect(judgeCost).toBeGreaterThan(0);
    expect(trace.costUsd).toBeGreaterThan(judgeCost);
    expect(Number(r.cost)).toBeCloseTo(trace.costUsd!, 9);
  });

  it('a judge that fails with an upstream error is a miss, and the request is still answered', async () => {
    await expectFailedJudgeIsMiss(t, 'judge-error', 'mock-error-500', 'error');
  });

  it.each([
    ['number', 'What is the way to cancel my subscription in 2 days?'],
    ['negation', 'What is the way to not cancel my subscription?'],
  ])('never asks the judge about a candidate a guard vetoed (%s), however wide the band', async (kind, trap) => {
    const c = await setUp(`judge-trap-${kind}`, { model: 'gpt-4o-mini', band: 0.5 });
    await call(c, ask('How do I cancel my subscription?'));
    t.mock.reset();
    t.mock.script([{ content: 'YES' }]);
    const r = await call(c, ask(trap));
    expect(r.cache).toBe('miss');
    expect(r.judge).toBeNull();
    expect(judgeCalls()).toHaveLength(0);
    expect(answerCalls()).toHaveLength(1);
  });

  it('a project without a judge never calls one: a borderline paraphrase is a plain miss', async () => {
    const c = await setUp('no-judge', null);
    await call(c, ask('How do I cancel my subscription?'));
    t.mock.reset();
    const r = await call(c, ask('What is the way to cancel my subscription?'));
    expect(r.cache).toBe('miss');
    expect(r.judge).toBeNull();
    expect(judgeCalls()).toHaveLength(0);
    expect(answerCalls()).toHaveLength(1);
  });

  it('a judge the budget cannot hold is not called, and the cap still refuses the request', async () => {
    const c = await setUp('judge-broke', { model: 'gpt-4o-mini' });
    await call(c, ask('How do I delete my account?'));
    const patched = await t.admin('/admin/v1/projects/judge-broke', { method: 'PATCH', body: { budget: { dailyUsd: 0.000001, mode: 'block' } } });
    expect(patched.status).toBe(200);
    t.mock.reset();
    const err = await c.chat.completions.create(ask('What is the way to delete my account?')).withResponse().then(() => null, (e: { status?: number; headers?: Headers }) => e);
    expect(err?.status).toBe(429);
    expect(judgeCalls()).toHaveLength(0);
    expect(answerCalls()).toHaveLength(0);
  });

  it('replays a judged hit as SSE to a streaming client', async () => {
    const c = await setUp('judge-stream', { model: 'gpt-4o-mini' });
    await call(c, ask('How do I export my data?'));
    t.mock.reset();
    t.mock.script([{ content: 'Yes.' }]);
    const { data: stream, response } = await c.chat.completions.create({ ...ask('What is the way to export my data?'), stream: true }).withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(response.headers.get('x-tollgate-cache-layer')).toBe('semantic');
    expect(response.headers.get('x-tollgate-cache-judge')).toBe('yes');
    expect(text).toBe('Echo: How do I export my data?');
    expect(judgeCalls()).toHaveLength(1);
    expect(answerCalls()).toHaveLength(0);
  });

  it.each([
    [{ model: '' }, 'semantic.judge.model'],
    [{ model: 'gpt 4o' }, 'semantic.judge.model'],
    [{ model: 'gpt-4o-mini', band: 0 }, 'semantic.judge.band'],
    [{ model: 'gpt-4o-mini', band: 0.9 }, 'semantic.judge.band'],
    [{ model: 'gpt-4o-mini', bnad: 0.1 }, 'semantic.judge.bnad'],
    ['gpt-4o-mini', 'semantic.judge'],
  ])('refuses a bad judge setting %j with a clear 400', async (judge, param) => {
    const r = await t.admin<{ error: { param: string; message: string; type: string } }>('/admin/v1/projects/no-judge', { method: 'PATCH', body: { semantic: { judge } } });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ param, type: 'invalid_request_error' });
    expect(r.body.error.message).toMatch(/semantic\.judge/);
  });

  it('is set and turned off through the project settings', async () => {
    const on = await t.admin<Project>('/admin/v1/projects/no-judge', { method: 'PATCH', body: { semantic: { judge: { model: 'gpt-4o-mini', band: 0.2 } } } });
    expect(on.status).toBe(200);
    expect(on.body.semantic).toMatchObject({ enabled: true, judge: { model: 'gpt-4o-mini', band: 0.2 } });
    const off = await t.admin<Project>('/admin/v1/projects/no-judge', { method: 'PATCH', body: { semantic: { judge: null } } });
    expect(off.body.semantic.judge).toBeNull();
    const fresh = await t.admin<Project>('/admin/v1/projects', { method: 'POST', body: { slug: 'judge-default' } });
    expect(fresh.body.semantic.judge).toBeNull();
  });
});

describe('semantic cache: LLM judge and rate limits', () => {
  it('the judge\'s call takes its place in the project\'s rate limit; with no room left the judge is not asked', async () => {
    const c = await setUp('judge-rpm', { model: 'gpt-4o-mini' }, { limits: { rpm: 3 } });
    await call(c, ask('How do I cancel my subscription?'));
    await call(c, ask('How do I delete my account?'));
    t.mock.reset();
    t.mock.script([{ content: 'YES' }]);
    const judged = await call(c, ask('What is the way to cancel my subscription?'));
    expect(judged).toMatchObject({ cache: 'hit', judge: 'yes' });
    expect(judgeCalls()).toHaveLength(1);

    // two answers and one judge call used the 3 requests a minute: the next borderline prompt gets no judge call,
    // and the request itself is refused by the rate limit like any other
    const res = await c.chat.completions.create(ask('What is the way to delete my account?')).withResponse().catch((e: unknown) => e);
    expect(res).toMatchObject({ status: 429, code: 'rate_limit_exceeded' });
    expect((res as { headers: Headers }).headers.get('x-tollgate-cache-judge')).toBe('rate-limited');
    expect(judgeCalls()).toHaveLength(1);
    expect(answerCalls()).toHaveLength(0);
  });
});

describe('semantic cache: LLM judge verdicts across restarts', () => {
  it('remembers a verdict in SQLite: after a restart the same borderline prompt is answered without a judge call', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-judge-'));
    const ask2 = (g: TestGateway, content: string) => call(g.client({ project: 'judge-restart' }), ask(content));
    try {
      const first = await startTestGateway({ dataDir, semanticJudge: { timeoutMs: 10_000 } });
      try {
        await first.admin('/admin/v1/projects', { method: 'POST', body: { slug: 'judge-restart', semantic: { enabled: true, judge: { model: 'gpt-4o-mini' } } } });
        await ask2(first, 'How do I cancel my subscription?');
        first.mock.script([{ content: 'YES' }]);
        expect(await ask2(first, 'What is the way to cancel my subscription?')).toMatchObject({ cache: 'hit', judge: 'yes' });
        expect(first.mock.count('/chat/completions')).toBe(2);
      } finally {
        await first.close();
      }
      const second = await startTestGateway({ dataDir, semanticJudge: { timeoutMs: 10_000 } });
      try {
        const again = await ask2(second, 'What is the way to cancel my subscription?');
        expect(again).toMatchObject({ cache: 'hit', layer: 'semantic', judge: 'yes' });
        expect(second.mock.count('/chat/completions')).toBe(0);
        expect((await fetchTrace(second, again.traceId)).cacheMatch?.judge).toMatchObject({ verdict: 'yes', cached: true, costUsd: 0 });
        // the verdict goes with its entry
        const removed = await second.admin<{ removed: number }>('/admin/v1/cache/invalidate', { method: 'POST', body: { project: 'judge-restart' } });
        expect(removed.body.removed).toBe(1);
      } finally {
        await second.close();
      }
      const db = new Database(join(dataDir, 'tollgate.db'), { readonly: true });
      try {
        expect(db.prepare('SELECT count(*) AS n FROM judge_verdicts').get()).toEqual({ n: 0 });
      } finally {
        db.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('semantic cache: LLM judge, concurrency and timeouts', () => {
  it('two identical borderline prompts in flight together share one judge call', async () => {
    // mock-slow answers after 2 s, so the second request arrives while the first one's judge call is still out
    const c = await setUp('together', { model: 'mock-slow' });
    await call(c, ask('How do I cancel my subscription?'));
    t.mock.reset();
    t.mock.script([{ content: 'YES' }]);
    const both = await Promise.all([1, 2].map(() => call(c, ask('What is the way to cancel my subscription?'))));
    expect(both.map((r) => r.cache)).toEqual(['hit', 'hit']);
    expect(both.map((r) => r.judge)).toEqual(['yes', 'yes']);
    expect(judgeCalls()).toHaveLength(1);
    expect(answerCalls()).toHaveLength(0);
  });

  it('a judge that times out is a miss, and the request is still answered', async () => {
    // mock-stall never answers: whatever the machine's load, only the timeout ends the judge's call
    const g = await startTestGateway({ semanticJudge: { timeoutMs: 300 } });
    try {
      await expectFailedJudgeIsMiss(g, 'judge-timeout', 'mock-stall', 'timeout');
    } finally {
      await g.close();
    }
  });
});

/** A borderline paraphrase whose judge fails: a miss, the judge asked once, the answer fetched, the reason traced. */
async function expectFailedJudgeIsMiss(g: TestGateway, slug: string, model: string, verdict: string) {
  expect((await g.admin('/admin/v1/projects', { method: 'POST', body: { slug, semantic: { enabled: true, judge: { model } } } })).status).toBe(201);
  const c = g.client({ project: slug });
  await call(c, ask('How do I export my data?'));
  g.mock.reset();
  const r = await call(c, ask('What is the way to export my data?'));
  expect(r.cache).toBe('miss');
  expect(r.judge).toBe(verdict);
  expect(r.data.choices[0]!.message.content).toBe('Echo: What is the way to export my data?');
  const chats = g.mock.calls.filter((x) => x.path.endsWith('/chat/completions'));
  expect(chats.filter(isJudgeCall).map((x) => x.body.model)).toEqual([model]);
  expect(chats.filter((x) => !isJudgeCall(x))).toHaveLength(1);
  const trace = await fetchTrace(g, r.traceId);
  expect(trace.status).toBe(200);
  expect(trace.cacheMatch?.judge?.verdict).toBe(verdict);
  expect(trace.cacheMatch?.judge?.detail).toBeTruthy();
}

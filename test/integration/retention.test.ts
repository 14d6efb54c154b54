import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestGateway, type TestGateway } from '../support/start-gateway';

const DAY = 24 * 3600 * 1000;
let clock = Date.UTC(2026, 10, 1, 12);
let t: TestGateway;

beforeAll(async () => {
  t = await startTestGateway({ now: () => clock });
});
afterAll(() => t.close());

type Traces = { items: Array<{ id: string }> };
type Spend = { items: Array<{ key: string; requests: number; costUsd: number }> };

describe('trace retention', () => {
  it('defaults to 30 days and validates changes', async () => {
    expect((await t.admin('/admin/v1/settings')).body).toEqual({ retentionDays: 30 });
    const bad = await t.admin<{ error: { param: string } }>('/admin/v1/settings', { method: 'PATCH', body: { retentionDays: 0 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toBe('retentionDays');
  });

  it('drops traces older than the window, keeps newer ones and every spend rollup', async () => {
    const ask = (content: string) => t.client({ project: 'keep' }).chat.completions.create(
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content }] },
      { headers: { 'x-mock-usage': JSON.stringify({ prompt_tokens: 100, completion_tokens: 10 }) } });
    await ask('old one');
    await ask('old two');
    clock += 3 * DAY;
    await ask('new one');
    await eventually(async () => (await t.admin<Traces>('/admin/v1/traces?project=keep')).body.items.length === 3);

    const patched = await t.admin('/admin/v1/settings', { method: 'PATCH', body: { retentionDays: 2 } });
    expect(patched.body).toEqual({ retentionDays: 2 });
    const left = await eventually(async () => {
      const r = await t.admin<Traces>('/admin/v1/traces?project=keep');
      return r.body.items.length === 1 ? r.body.items : null;
    });
    expect(left).toHaveLength(1);
    const spend = await t.admin<Spend>('/admin/v1/spend?groupBy=project&project=keep');
    expect(spend.body.items[0]).toMatchObject({ key: 'keep', requests: 3 });
    expect((await t.admin('/admin/v1/settings')).body).toEqual({ retentionDays: 2 });
  });
});

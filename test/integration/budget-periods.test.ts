import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectUsage } from '../../shared/api/dto';
import type { AdminEvent } from '../../shared/api/events';
import { createGateway, type Gateway, type GatewayAddresses } from '../../electron/gateway/index';
import { startMockUpstream, type MockUpstream } from '../support/mock-upstream';
import { catchApiError } from '../support/wire';

// budgets count calendar days in the project's zone: New York here, with the clock injected, never slept
let clock = Date.parse('2026-06-10T12:00:00Z');
let mock: MockUpstream;
const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-periods-'));
let gw: Gateway;
let addresses: GatewayAddresses;

async function start() {
  gw = createGateway({
    dataDir, proxyPort: 0, adminPort: 0, env: {}, log: () => undefined, now: () => clock, timeZone: 'UTC',
    openai: { baseUrl: mock.url, apiKey: 'sk-gateway-key-0000000000000000' },
  });
  addresses = await gw.start();
}

beforeAll(async () => {
  mock = await startMockUpstream({ quiet: true });
  await start();
});
afterAll(async () => {
  await gw.stop();
  await mock.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const client = (project: string) => new OpenAI({ baseURL: addresses.proxyUrl.replace('/v1', `/p/${project}/v1`), apiKey: 'tollgate', maxRetries: 0 });
const ask = (content: string): ChatCompletionCreateParamsNonStreaming => ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], max_tokens: 100 });
const spendOne = { headers: { 'x-mock-usage': JSON.stringify({ prompt_tokens: 1, completion_tokens: 100 }) } };
const PER_CALL = (1 * 0.15 + 100 * 0.6) / 1e6;

async function admin<T>(path: string, method = 'GET', body?: unknown): Promise<T> {
  const res = await fetch(addresses.adminUrl + path, {
    method, headers: { authorization: `Bearer ${gw.adminToken}`, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined,
  });
  expect(res.status).toBeLessThan(300);
  return res.json() as Promise<T>;
}
const usage = (slug: string) => admin<ProjectUsage>(`/admin/v1/projects/${slug}/usage`);

describe('period rollover', () => {
  it('a daily cap resets at local midnight in the project time zone, the monthly one carries on', async () => {
    clock = Date.parse('2026-06-11T03:58:00Z'); // 23:58 on June 10th in New York (EDT, -4)
    await admin('/admin/v1/projects', 'POST', { slug: 'nyc', budget: { dailyUsd: PER_CALL * 1.5, monthlyUsd: PER_CALL * 2.5, timeZone: 'America/New_York' } });
    await client('nyc').chat.completions.create(ask('late'), spendOne);
    const err = await catchApiError(client('nyc').chat.completions.create(ask('too late')));
    expect(err.code).toBe('budget_exceeded');
    expect(err.message).toContain('daily budget');
    expect(err.message).toContain('2026-06-11 00:00 America/New_York (2026-06-11T04:00:00.000Z)');
    expect((await usage('nyc')).daily).toMatchObject({ period: '2026-06-10', resetsAt: Date.parse('2026-06-11T04:00:00Z') });

    clock = Date.parse('2026-06-11T04:00:30Z'); // 00:00:30 local: a new day
    await client('nyc').chat.completions.create(ask('new day'), spendOne);
    const u = await usage('nyc');
    expect(u.daily).toMatchObject({ period: '2026-06-11', spentUsd: PER_CALL });
    expect(u.monthly.spentUsd).toBeCloseTo(PER_CALL * 2, 12);
    // the month's cap is the one that binds now
    const monthly = await catchApiError(client('nyc').chat.completions.create(ask('over the month')));
    expect(monthly.message).toContain('monthly budget');
    expect(monthly.message).toContain('2026-07-01 00:00 America/New_York');

    clock = Date.parse('2026-07-01T04:00:30Z'); // July 1st, 00:00:30 in New York
    await expect(client('nyc').chat.completions.create(ask('new month'), spendOne)).resolves.toMatchObject({ object: 'chat.completion' });
    expect((await usage('nyc')).monthly).toMatchObject({ period: '2026-07', spentUsd: PER_CALL });
  });
});

describe('restart', () => {
  it('keeps settled spend and sent alerts: a restart neither forgets the spend nor repeats an alert', async () => {
    clock = Date.parse('2026-08-05T12:00:00Z');
    await admin('/admin/v1/projects', 'POST', { slug: 'durable', budget: { dailyUsd: PER_CALL * 3.5 } });
    let events: AdminEvent[] = [];
    let stop = gw.events.subscribe((e) => events.push(e));
    await client('durable').chat.completions.create(ask('one'), spendOne);
    await client('durable').chat.completions.create(ask('two'), spendOne); // 57 %: the 50 % alert
    stop();
    expect(events.filter((e) => e.type === 'budget-alert').map((e) => e.type === 'budget-alert' && e.threshold)).toEqual([50]);

    await gw.stop();
    await start();
    expect((await usage('durable')).daily.spentUsd).toBeCloseTo(PER_CALL * 2, 12);
    events = [];
    stop = gw.events.subscribe((e) => events.push(e));
    await client('durable').chat.completions.create(ask('three'), spendOne); // 86 %: only the 80 % alert is new
    const err = await catchApiError(client('durable').chat.completions.create(ask('four')));
    stop();
    expect(err.code).toBe('budget_exceeded');
    expect(events.filter((e) => e.type === 'budget-alert').map((e) => e.type === 'budget-alert' && e.threshold)).toEqual([80, 100]);
  });
});

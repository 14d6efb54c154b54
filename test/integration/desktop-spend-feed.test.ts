import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toLocalDay } from '../../electron/gateway/index';
import { createSpendFeed, type SpendFeed } from '../../electron/main/spend-feed';
import { eventually, startTestGateway, type TestGateway } from '../support/start-gateway';

// The tray's "today" figure, driven through the real gateway: SDK requests in, spend events and the
// admin API's rollups out.
let t: TestGateway;
let feeds: SpendFeed[];
beforeEach(async () => {
  t = await startTestGateway();
  feeds = [];
});
afterEach(async () => {
  for (const feed of feeds) feed.close();
  await t.close();
});

function openFeed(token = t.gateway.adminToken) {
  const changes: number[] = [];
  const errors: unknown[] = [];
  const feed = createSpendFeed({
    adminUrl: t.addresses.adminUrl, adminToken: token,
    subscribe: (listener) => t.gateway.events.subscribe(listener),
    localDay: () => toLocalDay(Date.now()),
    onChange: (usd) => changes.push(usd), onError: (e) => errors.push(e),
    throttleMs: 5,
  });
  feeds.push(feed);
  return { feed, changes, errors };
}

async function ask(project: string, content: string): Promise<{ cost: number; cache: string | null }> {
  const { response } = await t.client({ project }).chat.completions
    .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], temperature: 0 }).withResponse();
  return { cost: Number(response.headers.get('x-tollgate-cost-usd')), cache: response.headers.get('x-tollgate-cache') };
}

describe('the tray\'s spend today', () => {
  it('starts at $0, then adds every priced request across projects as it happens', async () => {
    const { feed, changes } = openFeed();
    await feed.sync();
    expect(changes).toEqual([0]);

    const a = await ask('checkout', 'first question');
    const b = await ask('search', 'second question');
    expect(a.cost).toBeGreaterThan(0);
    expect(b.cost).toBeGreaterThan(0);
    const expected = a.cost + b.cost;
    await eventually(async () => Math.abs(changes.at(-1)! - expected) < 1e-12);
    expect(feed.totalUsd()).toBeCloseTo(expected, 12);
  });

  it('does not count cache hits, which cost nothing', async () => {
    const { feed, changes } = openFeed();
    await feed.sync();
    const first = await ask('checkout', 'same question');
    const again = await ask('checkout', 'same question');
    expect(again.cache).toBe('hit');
    await eventually(async () => changes.at(-1) === first.cost);
    expect(feed.totalUsd()).toBeCloseTo(first.cost, 12);
  });

  it('picks up spend made before it opened from the admin API', async () => {
    const a = await ask('checkout', 'before the tray');
    const b = await ask('billing', 'also before the tray');
    const { feed, changes } = openFeed();
    await feed.sync();
    expect(changes).toHaveLength(1);
    expect(changes[0]).toBeCloseTo(a.cost + b.cost, 12);
  });

  it('reports a refused sync instead of showing a made-up figure', async () => {
    const { feed, changes, errors } = openFeed('not-the-token');
    await feed.sync();
    expect(changes).toEqual([]);
    expect(String(errors[0])).toContain('401');
  });
});

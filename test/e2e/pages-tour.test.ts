import { expect, it } from 'vitest';
import { formatUsd } from '../../shared/cost';
import { HEADERS } from '../../shared/headers';
import { openDashboard, screenshot, useDashboard, type Dashboard } from './dashboard';

let d: Dashboard;
useDashboard((ready) => (d = ready));

/** Some traffic over three projects, with users, features, a cache hit, a stream and an error. */
async function makeTraffic(): Promise<number> {
  let total = 0;
  const plan: Array<[string, string, string, string]> = [
    ['web', 'gpt-4o-mini', 'alice', 'search'], ['web', 'gpt-4o', 'bob', 'chat'], ['batch', 'gpt-4o-mini', 'cron', 'summarize'],
    ['api', 'gpt-4o', 'carol', 'chat'], ['web', 'gpt-4o-mini', 'alice', 'search'],
  ];
  for (const [project, model, user, feature] of plan) {
    const { response } = await d.t
      .client({ project, headers: { [HEADERS.FEATURE]: feature } })
      .chat.completions.create({ model, user, temperature: 0, messages: [{ role: 'user', content: `${feature} for ${user}` }] })
      .withResponse();
    total += Number(response.headers.get(HEADERS.COST_USD) ?? 0);
  }
  const stream = await d.t.client({ project: 'web' }).chat.completions.create({
    model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'stream me a haiku' }],
  });
  for await (const chunk of stream) void chunk;
  await d.t.client({ project: 'api' }).chat.completions.create({ model: 'mock-error-500', messages: [{ role: 'user', content: 'fail please' }] }).catch(() => undefined);
  return total;
}

it('every page shows the same traffic: traces, overview charts, projects, cache, settings, and the shortcut help', async () => {
  await makeTraffic();
  await openDashboard(d);
  await d.page.locator('[data-trace-id]').nth(6).waitFor();
  // j/k walk the table and open the detail; the streamed answer is shown reassembled
  await d.page.keyboard.press('j');
  await d.page.getByRole('complementary', { name: 'Request detail' }).waitFor();
  await screenshot(d.page, 'tour-traces');
  await d.page.keyboard.press('Escape');

  await d.page.keyboard.press('g');
  await d.page.keyboard.press('o');
  const spend = await d.t.admin<{ items: Array<{ costUsd: number }> }>('/admin/v1/spend?groupBy=project');
  const total = spend.body.items.reduce((sum, r) => sum + r.costUsd, 0);
  await d.page.locator('.kpi-value').filter({ hasText: formatUsd(total) }).first().waitFor();
  await expect.poll(() => d.page.locator('.chart canvas').count()).toBe(2);
  const topUsers = d.page.getByRole('table', { name: 'Top users' });
  await topUsers.getByText('alice').waitFor();
  await screenshot(d.page, 'tour-overview');

  await d.page.keyboard.press('g');
  await d.page.keyboard.press('p');
  await expect.poll(() => d.page.locator('tr[data-project]').count()).toBeGreaterThanOrEqual(3);
  await screenshot(d.page, 'tour-projects');

  await d.page.keyboard.press('g');
  await d.page.keyboard.press('c');
  await d.page.locator('tr[data-entry-id]').first().waitFor();
  await d.page.keyboard.press('j');
  await d.page.getByRole('complementary', { name: 'Cache entry' }).getByLabel('Cached answer').waitFor();
  await screenshot(d.page, 'tour-cache');

  await d.page.keyboard.press('g');
  await d.page.keyboard.press('s');
  const provider = d.page.getByRole('form', { name: 'Provider openai' });
  await provider.waitFor();
  // the key is write-only: the page says one is set and never shows it
  expect(await d.page.content()).not.toContain('sk-gateway-key');
  await screenshot(d.page, 'tour-settings');
  // the open page is in the fragment and the token in this tab's session: a reload comes back here, still live
  expect(new URL(d.page.url()).hash).toBe('#p=settings');
  await d.page.reload();
  await d.page.getByRole('status').filter({ hasText: 'live' }).waitFor();
  await d.page.getByRole('form', { name: 'Provider openai' }).waitFor();

  await d.page.keyboard.press('?');
  await d.page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
  await screenshot(d.page, 'tour-help');
});

import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { HEADERS } from '../../shared/headers';
import { formatUsd } from '../../shared/cost';
import { openDashboard, screenshot, useDashboard, type Dashboard } from './dashboard';

let d: Dashboard;
useDashboard((ready) => (d = ready));

it('shows a request made by the SDK in the live table within a second, with the right model, tokens and cost', async () => {
  await openDashboard(d);
  const { data: completion, response } = await d.t
    .client({ project: 'e2e-live' })
    .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello to the dashboard' }] })
    .withResponse();
  const traceId = response.headers.get(HEADERS.TRACE_ID);
  const costHeader = response.headers.get(HEADERS.COST_USD);
  expect(traceId).toBeTruthy();
  expect(costHeader).toBeTruthy();

  // the bar: it appears within a second, with no reload
  const row = d.page.locator(`[data-trace-id="${traceId}"]`);
  await row.waitFor({ timeout: 1_000 });
  await expect(row.textContent()).resolves.toContain('e2e-live');

  await row.click();
  const detail = d.page.getByRole('complementary', { name: 'Request detail' });
  const usage = completion.usage!;
  await expect(detail.getByTestId('detail-model').textContent()).resolves.toContain('gpt-4o-mini');
  const tokens = await detail.getByTestId('detail-tokens').textContent();
  expect(tokens).toContain(`${usage.prompt_tokens.toLocaleString('en-US')} in`);
  expect(tokens).toContain(`${usage.completion_tokens.toLocaleString('en-US')} out`);
  const cost = formatUsd(Number(costHeader));
  expect(cost).not.toBe('$0');
  await expect(detail.getByTestId('detail-cost').textContent()).resolves.toContain(cost);
  // the cost math spells out the same total, and the bodies arrive
  await detail.locator('.cost-math tr.total').filter({ hasText: cost }).waitFor();
  await detail.getByLabel('Response body').filter({ hasText: completion.choices[0]!.message.content! }).waitFor();
  await screenshot(d.page, 'e2e-live-traces');
});

it('with filters on, searches the gateway for matches older than the loaded rows', async () => {
  const client = d.t.client({ project: 'e2e-older' });
  const ask = (content: string, user?: string) =>
    client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], ...(user ? { user } : {}) }).withResponse();
  const needle = await ask('the one to find later', 'needle-user');
  for (let i = 0; i < 210; i++) await ask(`filler ${i}`); // pushes it below the first page the dashboard loads
  await d.page.goto('about:blank'); // a fresh load (the open page got them all live)
  await openDashboard(d);
  await d.page.locator('[data-trace-id]').first().waitFor();
  const searchBox = d.page.getByPlaceholder(/search|filter/i).first();
  await searchBox.fill('needle-user');
  await d.page.getByText('No loaded request matches these filters').waitFor();
  await d.page.getByRole('button', { name: 'Search older requests' }).click();
  const row = d.page.locator(`[data-trace-id="${needle.response.headers.get(HEADERS.TRACE_ID)}"]`);
  await row.waitFor({ timeout: 5_000 });
  await d.page.getByText('1 older match from the gateway').waitFor();
  await d.page.getByText('nothing older matches').waitFor();
  expect(await d.page.locator('[data-trace-id]').count()).toBe(1);
  await screenshot(d.page, 'e2e-search-older');
  // Export saves every match from the gateway's history as CSV: here the one request of needle-user
  const [download] = await Promise.all([d.page.waitForEvent('download'), d.page.getByRole('button', { name: 'Export CSV' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^tollgate-traces-[\d-]+\.csv$/);
  const csv = readFileSync(await download.path(), 'utf8').trimEnd().split('\r\n');
  expect(csv).toHaveLength(2);
  expect(csv[1]).toContain(`,${needle.response.headers.get(HEADERS.TRACE_ID)},e2e-older,needle-user,`);
});

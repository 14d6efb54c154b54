import { expect, it } from 'vitest';
import type { CacheEntry, Page } from '../../shared/api/dto';
import { HEADERS } from '../../shared/headers';
import { openDashboard, screenshot, useDashboard, type Dashboard } from './dashboard';

let d: Dashboard;
useDashboard((ready) => (d = ready));

/** A deterministic (temperature 0) request, so the gateway caches it; answers the cache header. */
async function ask(project: string, content: string): Promise<string | null> {
  const { response } = await d.t
    .client({ project })
    .chat.completions.create({ model: 'gpt-4o-mini', temperature: 0, messages: [{ role: 'user', content }] })
    .withResponse();
  return response.headers.get(HEADERS.CACHE);
}

async function cachedPrompts(project: string): Promise<string[]> {
  const r = await d.t.admin<Page<CacheEntry>>(`/admin/v1/cache/entries?project=${project}&limit=100`);
  return r.body.items.map((e) => e.prompt).sort();
}

it('invalidating an entry in the cache browser makes the next identical request a miss', async () => {
  expect(await ask('e2e-cache', 'What is the capital of France?')).toBe('miss');
  expect(await ask('e2e-cache', 'What is the capital of France?')).toBe('hit');
  d.t.mock.reset();

  await openDashboard(d);
  await d.page.keyboard.press('g');
  await d.page.keyboard.press('c');
  const row = d.page.locator('tr[data-entry-id]').filter({ hasText: 'capital of France' });
  await row.click();
  const inspector = d.page.getByRole('complementary', { name: 'Cache entry' });
  await inspector.getByText('1', { exact: true }).first().waitFor(); // one hit so far
  await inspector.getByRole('button', { name: 'Invalidate' }).click();
  const dialog = d.page.getByRole('alertdialog');
  await expect(dialog.getByTestId('confirm-count').textContent()).resolves.toContain('1 selected entry goes');
  await screenshot(d.page, 'e2e-cache-confirm-one');
  await dialog.getByRole('button', { name: 'Invalidate 1' }).click();
  await row.waitFor({ state: 'detached' });

  expect(await ask('e2e-cache', 'What is the capital of France?')).toBe('miss');
  expect(d.t.mock.count('/chat/completions')).toBe(1);
});

it('invalidating by filter removes exactly the entries the filter matches', async () => {
  for (const prompt of ['alpha: first note', 'alpha: second note', 'beta: third note']) {
    expect(await ask('e2e-filter', prompt)).toBe('miss');
  }
  expect(await ask('e2e-other', 'alpha: in another project')).toBe('miss');

  await openDashboard(d);
  await d.page.getByRole('button', { name: 'Cache' }).click();
  await d.page.getByLabel('Project', { exact: true }).selectOption('e2e-filter');
  await d.page.getByLabel('Search prompts').fill('alpha');
  const rows = d.page.locator('tr[data-entry-id]');
  await expect.poll(() => rows.count()).toBe(2);
  await d.page.getByRole('button', { name: 'Invalidate all matching…' }).click();
  const dialog = d.page.getByRole('alertdialog');
  await expect(dialog.getByTestId('confirm-count').textContent()).resolves.toContain('2 entries match the current filters');
  await screenshot(d.page, 'e2e-cache-confirm-filter');
  await dialog.getByRole('button', { name: 'Invalidate 2' }).click();
  await expect.poll(() => rows.count()).toBe(0);

  expect(await cachedPrompts('e2e-filter')).toEqual(['beta: third note']);
  expect(await cachedPrompts('e2e-other')).toEqual(['alpha: in another project']);
  await d.page.getByLabel('Search prompts').fill('');
  await d.page.getByLabel('Project', { exact: true }).selectOption('');
  await rows.filter({ hasText: 'beta: third note' }).waitFor();
  await screenshot(d.page, 'e2e-cache-browser');
});

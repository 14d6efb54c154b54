import { expect, it } from 'vitest';
import type { CacheEntryDetail, CacheEntryHit, SemanticStatus } from '../../shared/api/dto';
import type { Overview } from '../../shared/api/dashboard';
import { formatUsd } from '../../shared/cost';
import { HEADERS } from '../../shared/headers';
import { openDashboard, screenshot, useDashboard, type Dashboard } from './dashboard';

let d: Dashboard;
useDashboard((ready) => (d = ready));

const PROJECT = 'e2e-semantic';

/** A deterministic request; answers the cache status and layer headers. */
async function ask(content: string): Promise<{ cache: string | null; layer: string | null }> {
  const { response } = await d.t
    .client({ project: PROJECT })
    .chat.completions.create({ model: 'gpt-4o-mini', temperature: 0, messages: [{ role: 'user', content }] })
    .withResponse();
  return { cache: response.headers.get(HEADERS.CACHE), layer: response.headers.get('x-tollgate-cache-layer') };
}

it('shows under a semantic entry which prompt it answered and why, and a "Wrong" report stops that match', async () => {
  expect((await d.t.admin('/admin/v1/projects', { method: 'POST', body: { slug: PROJECT, semantic: { enabled: true } } })).status).toBe(201);
  expect(await ask('How do I reset my password?')).toEqual({ cache: 'miss', layer: null });
  expect(await ask('How can I reset my password?')).toEqual({ cache: 'hit', layer: 'semantic' });
  expect(d.t.mock.count('/chat/completions')).toBe(1);

  await openDashboard(d);
  await d.page.keyboard.press('g');
  await d.page.keyboard.press('c');
  await d.page.getByLabel('Project', { exact: true }).selectOption(PROJECT);
  await d.page.locator('tr[data-entry-id]').filter({ hasText: 'How do I reset my password?' }).click();
  const inspector = d.page.getByRole('complementary', { name: 'Cache entry' });
  const semantic = inspector.getByRole('table', { name: 'Semantic matching' });
  await semantic.getByText('use-lite@1').waitFor();
  await expect(semantic.getByTestId('entry-min-similarity').textContent()).resolves.toBe('the verifier alone decides');
  const hits = inspector.getByRole('table', { name: 'Answered requests' });
  const hit = hits.locator('tr').filter({ hasText: 'How can I reset my password?' });
  await hit.getByText(/verifier 0\.\d\d ≥ 0\.\d\d/).waitFor();
  await screenshot(d.page, 'e2e-semantic-entry');

  await hit.getByRole('button', { name: 'Wrong' }).click();
  await semantic.getByText('after 1 wrong report').waitFor();
  await screenshot(d.page, 'e2e-semantic-entry-reported');

  // the report reached the gateway: the entry needs more than the similarity that fooled it, so the paraphrase misses
  const entryId = (await inspector.getByTestId('entry-id').textContent())!;
  const entry = (await d.t.admin<CacheEntryDetail>(`/admin/v1/cache/entries/${encodeURIComponent(entryId)}`)).body;
  const answered = (await d.t.admin<{ items: CacheEntryHit[] }>(`/admin/v1/cache/entries/${encodeURIComponent(entryId)}/hits`)).body.items;
  expect(entry.semantic?.minSimilarity).toBeGreaterThan(answered[0]!.similarity!);
  expect(await ask('How can I reset my password?')).toEqual({ cache: 'miss', layer: null });
  expect(d.t.mock.count('/chat/completions')).toBe(2);
});

it('invalidates entries by meaning from the cache browser: count first, then remove', async () => {
  expect((await ask('How do I cancel my subscription?')).cache).toBe('miss');
  expect((await ask('What are your opening hours?')).cache).toBe('miss');

  await openDashboard(d);
  await d.page.keyboard.press('g');
  await d.page.keyboard.press('c');
  await d.page.getByLabel('Project', { exact: true }).selectOption(PROJECT);
  await d.page.getByRole('button', { name: 'Similar to…' }).click();
  const dialog = d.page.getByRole('dialog', { name: 'Invalidate similar entries' });
  await dialog.getByLabel('Prompt').fill('How can I cancel my subscription?');
  await dialog.getByLabel('Min similarity').fill('0.85');
  await dialog.getByRole('button', { name: 'Count' }).click();
  await expect(dialog.getByTestId('similar-count').textContent()).resolves.toContain('1 semantic entry');
  await screenshot(d.page, 'e2e-semantic-similar');
  await dialog.getByRole('button', { name: 'Invalidate 1' }).click();
  await dialog.waitFor({ state: 'detached' });

  expect(await ask('How can I cancel my subscription?')).toEqual({ cache: 'miss', layer: null });
  expect((await ask('What are your opening hours?')).cache).toBe('hit');
});

it("shows in Settings the semantic cache's embedder, its index and the verifier's held-out numbers", async () => {
  expect((await ask('Where can I download my invoices?')).cache).toBe('miss');
  const status = (await d.t.admin<SemanticStatus>('/admin/v1/semantic')).body;
  const balanced = status.verifier.heldOut!.balanced!;

  await openDashboard(d);
  await d.page.keyboard.press('g');
  await d.page.keyboard.press('s');
  const card = d.page.getByRole('region', { name: 'Semantic cache' });
  await card.locator('tr').filter({ hasText: 'Embedder' }).getByText('use-lite@1').waitFor();
  // the page refreshes every 5 s; the last answer's prompt may be indexed just after the status above was read
  const stored = card.locator('tr').filter({ hasText: 'Stored prompts' }).locator('td');
  const current = async () => String((await d.t.admin<SemanticStatus>('/admin/v1/semantic')).body.indexedEntries);
  await expect.poll(async () => (await stored.textContent()) === (await current()), { timeout: 15_000 }).toBe(true);
  expect(Number(await stored.textContent())).toBeGreaterThanOrEqual(1);
  const table = card.getByRole('table', { name: 'Verifier, held-out numbers' });
  const row = table.locator('tr').filter({ hasText: 'balanced' });
  const cells = await row.locator('td').allTextContents();
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  expect(cells).toEqual(['balanced (default)', status.verifier.thresholds.balanced.toFixed(3), pct(balanced.pooled!.precision),
    pct(balanced.pooled!.hitRate), pct(balanced.paws!.falseHitRate), pct(balanced.gptcache!.hitRate)]);
  await screenshot(d.page, 'e2e-semantic-settings');

  // the overview tells semantic hits and savings apart
  const totals = (await d.t.admin<Overview>('/admin/v1/overview?days=30')).body.totals;
  expect(totals.semanticHits).toBeGreaterThanOrEqual(1);
  await d.page.keyboard.press('g');
  await d.page.keyboard.press('o');
  await d.page.getByText(`· ${totals.semanticHits} semantic`, { exact: false }).waitFor();
  await d.page.getByText(`· semantic ${formatUsd(totals.semanticSavedUsd)}`, { exact: false }).waitFor();
});

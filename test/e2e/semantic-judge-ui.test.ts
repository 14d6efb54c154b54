import { expect, it } from 'vitest';
import type { Project, SemanticStatus } from '../../shared/api/dto';
import { formatUsd } from '../../shared/cost';
import { HEADERS } from '../../shared/headers';
import { openDashboard, screenshot, useDashboard, type Dashboard } from './dashboard';

let d: Dashboard;
useDashboard((ready) => (d = ready));

const PROJECT = 'e2e-judge';

async function ask(content: string) {
  const { response } = await d.t.client({ project: PROJECT })
    .chat.completions.create({ model: 'gpt-4o', temperature: 0, messages: [{ role: 'user', content }] }).withResponse();
  const h = response.headers;
  return { cache: h.get(HEADERS.CACHE), judge: h.get(HEADERS.CACHE_JUDGE), cost: h.get(HEADERS.COST_USD), traceId: h.get(HEADERS.TRACE_ID)! };
}

async function saveJudge(model: string): Promise<void> {
  const editor = d.page.getByRole('complementary', { name: `Project ${PROJECT}` });
  await editor.getByLabel('LLM judge').fill(model);
  await editor.getByRole('button', { name: 'Save' }).click();
  await d.page.getByText(`${PROJECT} saved: the next request uses it.`).waitFor();
}

it('the project editor sets the LLM judge, and the trace detail shows what it said and cost', async () => {
  expect((await d.t.admin('/admin/v1/projects', { method: 'POST', body: { slug: PROJECT, semantic: { enabled: true } } })).status).toBe(201);
  await openDashboard(d);
  await d.page.keyboard.press('g');
  await d.page.keyboard.press('p');
  await d.page.locator(`tr[data-project="${PROJECT}"]`).click();
  // each strictness says what the verifier measured for it on held-out pairs
  const balanced = (await d.t.admin<SemanticStatus>('/admin/v1/semantic')).body.verifier.heldOut!.balanced!.pooled!;
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  await expect.poll(() => d.page.getByLabel('Strictness').locator('option[value="balanced"]').textContent())
    .toBe(`balanced · ${pct(balanced.precision)} precise, ${pct(balanced.hitRate)} hit rate`);
  await saveJudge('gpt-4o-mini');
  expect((await d.t.admin<Project>(`/admin/v1/projects/${PROJECT}`)).body.semantic.judge).toEqual({ model: 'gpt-4o-mini' });
  await screenshot(d.page, 'e2e-judge-editor');

  // a borderline paraphrase (verifier 0.858, balanced needs 0.9185): the judge says YES, the cache answers
  expect((await ask('How do I cancel my subscription?')).cache).toBe('miss');
  d.t.mock.script([{ content: 'YES' }]);
  const judged = await ask('What is the way to cancel my subscription?');
  expect(judged).toMatchObject({ cache: 'hit', judge: 'yes' });

  await d.page.keyboard.press('g');
  await d.page.keyboard.press('t');
  await d.page.locator(`[data-trace-id="${judged.traceId}"]`).click();
  const detail = d.page.getByRole('complementary', { name: 'Request detail' });
  const judgeRow = detail.getByRole('row').filter({ hasText: 'LLM judge' }).first();
  await judgeRow.getByText('YES: same request, answered from the cache').waitFor();
  await expect(judgeRow.textContent()).resolves.toContain('openai/gpt-4o-mini');
  await expect(judgeRow.textContent()).resolves.toContain(formatUsd(Number(judged.cost)));
  await detail.getByText(/verifier|0\.\d\d < 0\.\d\d needed/).first().waitFor();
  await screenshot(d.page, 'e2e-judge-trace');

  // emptying the field turns the judge off
  await d.page.keyboard.press('Escape');
  await d.page.keyboard.press('g');
  await d.page.keyboard.press('p');
  await d.page.locator(`tr[data-project="${PROJECT}"]`).click();
  await saveJudge('');
  expect((await d.t.admin<Project>(`/admin/v1/projects/${PROJECT}`)).body.semantic.judge).toBeNull();
});

import { APIError } from 'openai';
import { expect, it } from 'vitest';
import { openDashboard, screenshot, useDashboard, type Dashboard } from './dashboard';

let d: Dashboard;
useDashboard((ready) => (d = ready));

const ask = () =>
  d.t.client({ project: 'e2e-budget' }).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Summarize the quarter' }] });

async function setDailyCap(value: string): Promise<void> {
  const editor = d.page.getByRole('complementary', { name: 'Project e2e-budget' });
  await editor.getByLabel('Daily cap, USD').fill(value);
  await editor.getByRole('button', { name: 'Save' }).click();
  await d.page.getByText('e2e-budget saved: the next request uses it.').waitFor();
}

it('a daily cap set in the Projects page blocks the next over-cap request, and raising it lets requests through', async () => {
  await ask(); // the project exists from its first request on, with some spend
  await openDashboard(d);
  await d.page.keyboard.press('g');
  await d.page.keyboard.press('p');
  await d.page.locator('tr[data-project="e2e-budget"]').click();

  await setDailyCap('0.000001');
  const refused = await ask().then(() => null, (e: unknown) => e);
  expect(refused).toBeInstanceOf(APIError);
  expect(refused).toMatchObject({ status: 429, code: 'budget_exceeded', type: 'insufficient_quota' });
  expect((refused as APIError).headers?.get('x-should-retry')).toBe('false');
  await d.page.locator('tr[data-project="e2e-budget"] .cap-over').first().waitFor();
  await screenshot(d.page, 'e2e-budget-blocked');

  await setDailyCap('5');
  const answer = await ask();
  expect(answer.choices[0]?.message.content).toBeTruthy();
  await screenshot(d.page, 'e2e-budget-raised');
});

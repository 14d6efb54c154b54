import { expect, it } from 'vitest';
import { screenshot, useDashboard, type Dashboard } from './dashboard';

let d: Dashboard;
useDashboard((ready) => (d = ready));

it('refuses to load any data without the token, and loads it once the token is given', async () => {
  await d.t.client({ project: 'secret-project' }).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hidden' }] });
  const adminAnswers: number[] = [];
  d.page.on('response', (r) => {
    if (new URL(r.url()).pathname.startsWith('/admin/v1/')) adminAnswers.push(r.status());
  });

  // the admin address without its #token= fragment
  await d.page.goto(d.t.addresses.adminUrl + '/');
  const prompt = d.page.getByText("This dashboard needs the gateway's admin token");
  await prompt.waitFor();
  await expect(d.page.getByRole('status').textContent()).resolves.toContain('no access');
  expect(await d.page.locator('[data-trace-id]').count()).toBe(0);
  expect(await d.page.content()).not.toContain('secret-project');
  // nothing was asked of the admin API without a token, or it was refused
  expect(adminAnswers.every((status) => status === 401)).toBe(true);

  // a wrong token is refused too, with the gateway's message
  await d.page.getByLabel('Admin token').fill('not-the-token');
  await d.page.getByRole('button', { name: 'Connect' }).click();
  await d.page.getByText('A valid admin token is required').waitFor();
  expect(adminAnswers.length).toBeGreaterThan(0);
  expect(adminAnswers.every((status) => status === 401)).toBe(true);
  expect(await d.page.content()).not.toContain('secret-project');
  await screenshot(d.page, 'e2e-no-token');

  // the right token lets the same page in
  await d.page.getByLabel('Admin token').fill(d.t.gateway.adminToken);
  await d.page.getByRole('button', { name: 'Connect' }).click();
  await d.page.locator('[data-trace-id]').filter({ hasText: 'secret-project' }).waitFor();
  // the token never travels in a query string
  expect(d.page.url()).not.toContain('token');
});

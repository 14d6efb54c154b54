import { expect, it } from 'vitest';
import type { Alias, RoutingRule } from '../../shared/api/dto';
import { openDashboard, screenshot, useDashboard, type Dashboard } from './dashboard';

let d: Dashboard;
useDashboard((ready) => (d = ready));

it('Settings creates, edits and deletes a global alias; the project editor saves a complexity rule and its own alias', async () => {
  await d.t.client({ project: 'e2e-routing' }).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
  await openDashboard(d);
  await d.page.keyboard.press('g');
  await d.page.keyboard.press('s');
  const section = d.page.getByRole('region', { name: 'Aliases' });
  await section.getByRole('button', { name: '+ Add alias' }).click();

  // an unknown target: the API's message shows inline and nothing is saved
  const form = section.getByRole('form', { name: 'Add alias' });
  await form.getByLabel('Name').fill('fast');
  await form.getByLabel('Strategy').selectOption('weighted');
  await form.getByLabel('Targets').fill('openai/gpt-4o-mini 3\nnowhere/no-such-model');
  await form.getByRole('button', { name: 'Add' }).click();
  await form.getByRole('alert').filter({ hasText: 'no-such-model' }).waitFor();
  expect((await d.t.admin<{ items: Alias[] }>('/admin/v1/aliases')).body.items).toEqual([]);

  await form.getByLabel('Targets').fill('openai/gpt-4o-mini 3\nopenai/gpt-4o');
  await form.getByRole('button', { name: 'Add' }).click();
  await section.getByRole('button', { name: 'Edit alias fast' }).waitFor();
  const listed = await d.t.admin<{ items: Alias[] }>('/admin/v1/aliases');
  expect(listed.body.items).toMatchObject([{
    name: 'fast', project: null, strategy: 'weighted',
    targets: [{ model: 'openai/gpt-4o-mini', weight: 3 }, { model: 'openai/gpt-4o', weight: 1 }],
  }]);
  // edit: switch to ordered and swap the order; the form starts from the saved alias
  await section.getByRole('button', { name: 'Edit alias fast' }).click();
  const edit = section.getByRole('form', { name: 'Edit alias fast' });
  expect(await edit.getByLabel('Targets').inputValue()).toBe('openai/gpt-4o-mini 3\nopenai/gpt-4o');
  await edit.getByLabel('Strategy').selectOption('ordered');
  await edit.getByLabel('Targets').fill('openai/gpt-4o\nopenai/gpt-4o-mini');
  await edit.getByRole('button', { name: 'Save' }).click();
  await section.getByRole('button', { name: 'Edit alias fast' }).waitFor();
  await expect.poll(async () => (await d.t.admin<{ items: Alias[] }>('/admin/v1/aliases')).body.items.map((a) => [a.strategy, a.targets.map((t) => t.model)]))
    .toEqual([['ordered', ['openai/gpt-4o', 'openai/gpt-4o-mini']]]);
  // the alias answers at the wire
  const answer = await d.t.client({ project: 'e2e-routing' }).chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'hi' }] });
  expect(answer.choices[0]?.message.content).toBeTruthy();
  await section.scrollIntoViewIfNeeded();
  await screenshot(d.page, 'e2e-aliases');

  // the project editor: route simple prompts of this project to the cheap model
  await d.page.keyboard.press('g');
  await d.page.keyboard.press('p');
  await d.page.locator('tr[data-project="e2e-routing"]').click();
  const routing = d.page.getByRole('complementary', { name: 'Project e2e-routing' }).getByRole('region', { name: 'Routing' });
  await routing.getByLabel('By complexity').check();
  await routing.getByLabel('Cheap model').fill('openai/gpt-4o-mini');
  await routing.getByLabel('Strong model').fill('nowhere/no-such-model');
  await routing.getByRole('button', { name: 'Apply rule' }).click();
  await routing.getByRole('alert').filter({ hasText: 'nowhere/no-such-model' }).waitFor();
  await routing.getByLabel('Strong model').fill('fast');
  await routing.getByLabel('Threshold').fill('0.3');
  await routing.getByLabel('Applies to').fill('gpt-4o, fast');
  await routing.getByRole('button', { name: 'Apply rule' }).click();
  await d.page.getByText('e2e-routing: complexity routing on.').waitFor();
  const rule = await d.t.admin<RoutingRule>('/admin/v1/projects/e2e-routing/routing');
  expect(rule.body).toEqual({ complexity: { cheapModel: 'openai/gpt-4o-mini', strongModel: 'fast', threshold: 0.3, appliesTo: ['gpt-4o', 'fast'] } });
  await routing.scrollIntoViewIfNeeded();
  await screenshot(d.page, 'e2e-routing-rule');

  // a project's own alias answers for that project only; Enter saves it
  const editor = d.page.getByRole('complementary', { name: 'Project e2e-routing' });
  const own = editor.getByRole('region', { name: 'Project aliases' });
  await own.getByText('No aliases yet.').waitFor();
  await own.getByRole('button', { name: '+ Add alias' }).click();
  const ownForm = own.getByRole('form', { name: 'Add alias' });
  await ownForm.getByLabel('Targets').fill('openai/gpt-4o-mini');
  await ownForm.getByLabel('Name').fill('mine');
  await ownForm.getByLabel('Name').press('Enter');
  await own.getByRole('button', { name: 'Edit alias mine' }).waitFor();
  expect((await d.t.admin<{ items: Alias[] }>('/admin/v1/projects/e2e-routing/aliases')).body.items)
    .toMatchObject([{ name: 'mine', project: 'e2e-routing', targets: [{ model: 'openai/gpt-4o-mini' }] }]);
  expect((await d.t.admin<{ items: Alias[] }>('/admin/v1/aliases')).body.items.map((a) => a.name)).toEqual(['fast']); // global ones untouched
  const ask = (project: string) => d.t.client({ project }).chat.completions.create({ model: 'mine', messages: [{ role: 'user', content: 'hi' }] });
  expect((await ask('e2e-routing')).model).toContain('gpt-4o-mini');
  expect((await ask('someone-else')).model).toBe('mine'); // elsewhere a bare unknown name goes to OpenAI as it is
  await own.scrollIntoViewIfNeeded();
  await screenshot(d.page, 'e2e-project-aliases');
  await own.getByRole('button', { name: 'Delete alias mine' }).click();
  await d.page.getByRole('alertdialog', { name: 'Delete alias mine?' }).getByRole('button', { name: 'Delete' }).click();
  await own.getByText('No aliases yet.').waitFor();
  expect((await d.t.admin<{ items: Alias[] }>('/admin/v1/projects/e2e-routing/aliases')).body.items).toEqual([]);

  // delete asks first
  await d.page.keyboard.press('g');
  await d.page.keyboard.press('s');
  await section.getByRole('button', { name: 'Delete alias fast' }).click();
  await d.page.getByRole('alertdialog', { name: 'Delete alias fast?' }).getByRole('button', { name: 'Delete' }).click();
  await section.getByText('No aliases yet.').waitFor();
  expect((await d.t.admin<{ items: Alias[] }>('/admin/v1/aliases')).body.items).toEqual([]);
});

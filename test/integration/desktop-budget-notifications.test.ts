import { describe, expect, it } from 'vitest';
import type { BudgetAlertEvent } from '../../shared/api/events';
import { notifyOnBudgetAlerts, type NotificationText } from '../../electron/main/budget-notification';
import { useSharedGateway, type TestGateway } from '../support/start-gateway';

// What the desktop would pop up, driven by the real budgets engine: SDK requests spend money against a
// daily cap, the gateway publishes budget alerts in-process, the shell's notifier decides what to show.
let t: TestGateway;
const clock = Date.parse('2026-06-10T12:00:00Z');
useSharedGateway({ now: () => clock, timeZone: 'UTC' }, (gw) => { t = gw; });

const perCallUsd = (1 * 0.15 + 100 * 0.6) / 1e6; // gpt-4o-mini, 1 prompt + 100 completion tokens

async function createProject(slug: string, dailyUsd: number) {
  const r = await t.admin('/admin/v1/projects', { method: 'POST', body: { slug, budget: { dailyUsd, mode: 'alert' } } });
  expect(r.status).toBe(201);
}

function watchNotifications() {
  const shown: Array<{ text: NotificationText; event: BudgetAlertEvent }> = [];
  const stop = notifyOnBudgetAlerts({
    subscribe: (listener) => t.gateway.events.subscribe(listener),
    show: (text, event) => shown.push({ text, event }),
    formatTime: (ms) => new Date(ms).toISOString(),
  });
  return { shown, stop };
}

async function spend(project: string, calls: number) {
  const client = t.client({ project });
  for (let i = 0; i < calls; i++) {
    await client.chat.completions.create(
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `${project} ${i}` }], max_tokens: 100 },
      { headers: { 'x-mock-usage': JSON.stringify({ prompt_tokens: 1, completion_tokens: 100 }) } },
    );
  }
  await new Promise((r) => setImmediate(r));
}

describe('desktop budget notifications', () => {
  it('notify at 80 % and at 100 % of a daily cap, once each, and not at 50 %', async () => {
    await createProject('notify-steps', perCallUsd * 2.5);
    const { shown, stop } = watchNotifications();
    await spend('notify-steps', 1); // 40 %
    expect(shown).toEqual([]);
    await spend('notify-steps', 1); // 80 % (the gateway also sends 50 %)
    expect(shown.map((s) => s.text.title)).toEqual(['notify-steps at 80 % of its daily cap']);
    await spend('notify-steps', 2); // 120 %, then more
    stop();
    expect(shown.map((s) => s.text.title)).toEqual(['notify-steps at 80 % of its daily cap', 'notify-steps reached its daily cap']);
    expect(shown[1]!.text.body).toContain('resets 2026-06-11T00:00:00.000Z');
  });

  it('one request that jumps past the cap rings once, for 100 %', async () => {
    await createProject('notify-jump', perCallUsd * 0.9);
    const { shown, stop } = watchNotifications();
    await spend('notify-jump', 1);
    stop();
    expect(shown.map((s) => [s.event.threshold, s.text.title])).toEqual([[100, 'notify-jump reached its daily cap']]);
  });
});

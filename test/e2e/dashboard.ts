import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/start-gateway';

export const DASHBOARD_DIR = fileURLToPath(new URL('../../out/renderer', import.meta.url));
const RESULTS_DIR = fileURLToPath(new URL('../../test-results', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface Dashboard {
  t: TestGateway;
  browser: Browser;
  page: Page;
  /** the URL `npm run serve` prints: the token rides in the fragment */
  url: string;
}

/** The headless gateway serving the built dashboard, in front of the mock upstream, plus one Chromium page. */
export function useDashboard(onReady: (d: Dashboard) => void): void {
  let d: Dashboard | undefined;
  beforeAll(async () => {
    const t = await startTestGateway({ dashboardDir: DASHBOARD_DIR });
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    const context = await browser.newContext({ viewport: { width: 1440, height: 860 }, colorScheme: 'dark' });
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error('[dashboard error]', error));
    d = { t, browser, page, url: t.addresses.dashboardUrl };
    onReady(d);
  });
  afterAll(async () => {
    await d?.browser.close();
    await d?.t.close();
  });
}

/** Opens the dashboard with its token and waits until the live event stream is connected. */
export async function openDashboard(d: Dashboard): Promise<void> {
  await d.page.goto(d.url);
  await d.page.getByRole('status').filter({ hasText: 'live' }).waitFor();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  await page.screenshot({ path: `${RESULTS_DIR}/${name}.png` });
}

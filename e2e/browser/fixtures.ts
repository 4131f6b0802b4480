/**
 * The browser tests' fixtures: a page already signed in with the demo's admin token (kept where
 * the UI keeps it), an API client for checking figures against the API, a screenshot helper that
 * writes e2e/screenshots/<name>.png on every run, and a check that no page logged a console error.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test as base, expect, type Page } from '@playwright/test';

const screenshots = fileURLToPath(new URL('../screenshots/', import.meta.url));
mkdirSync(screenshots, { recursive: true });

export interface Api {
  get<T = unknown>(path: string): Promise<T>;
  post<T = unknown>(path: string, body?: unknown): Promise<T>;
}

interface Fixtures {
  baseUrl: string;
  api: Api;
  shot: (name: string) => Promise<void>;
  consoleErrors: string[];
}

export const test = base.extend<Fixtures>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern
  baseUrl: async ({}, use) => {
    const url = process.env.HEADROOM_E2E_URL;
    if (!url) throw new Error('HEADROOM_E2E_URL is not set: the global setup did not start the demo');
    await use(url);
  },
  api: async ({ baseUrl }, use) => {
    const headers = {
      authorization: `Bearer ${process.env.HEADROOM_E2E_TOKEN}`,
      'content-type': 'application/json',
    };
    const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
      const res = await fetch(`${baseUrl}/api/v1${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return (res.status === 204 ? undefined : await res.json()) as T;
    };
    await use({ get: (path) => call('GET', path), post: (path, body) => call('POST', path, body) });
  },
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern
  consoleErrors: async ({}, use) => {
    await use([]);
  },
  page: async ({ page, baseUrl, consoleErrors }, use) => {
    const token = process.env.HEADROOM_E2E_TOKEN ?? '';
    await page.addInitScript({
      content: `localStorage.setItem('headroom.token', ${JSON.stringify(token)});`,
    });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    await page.goto(baseUrl);
    await use(page);
    expect(consoleErrors, 'console errors on the page').toEqual([]);
  },
  shot: async ({ page }, use) => {
    await use(async (name: string) => {
      await page.screenshot({ path: `${screenshots}${name}.png`, fullPage: true });
    });
  },
});

export { expect };

/** Opens a path of the UI and waits for its heading. */
export async function open(page: Page, baseUrl: string, path: string): Promise<void> {
  await page.goto(`${baseUrl}${path}`);
  await expect(page.locator('main h1').first()).toBeVisible();
}

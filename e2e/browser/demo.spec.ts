/**
 * The web UI as a newcomer meets it: `headroom demo` in Debian's chromium. Each test checks what
 * the user sees against the API it came from, and saves a screenshot of the page to
 * e2e/screenshots/ on every run.
 */
import { expect, open, test } from './fixtures.js';

test.describe.configure({ mode: 'serial' });

interface SloStatus {
  errorBudget: { remaining: number | null };
}
interface AlertGroup {
  id: string;
  groupLabels: Record<string, string>;
  page: { status: string } | null;
  alerts: { status: string; labels: Record<string, string> }[];
}

test('logs in with the demo password and lands on the overview', async ({ browser, baseUrl }) => {
  // A browser without the token: the login page first.
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(baseUrl);
  await expect(page.getByRole('heading', { name: 'Headroom' })).toBeVisible();
  await page.getByLabel('User').fill('admin');
  await page.getByLabel('Password').fill('headroom-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await expect(page.locator('.who')).toContainText('admin');
  await page.screenshot({ path: 'e2e/screenshots/login-done.png' });
  await context.close();
});

test('the overview lists the demo services by team', async ({ page, baseUrl, shot }) => {
  await open(page, baseUrl, '/');
  const main = page.locator('main');
  for (const service of ['checkout', 'payments', 'storefront', 'search', 'inventory', 'auth'])
    await expect(main.getByRole('link', { name: service, exact: true }).first()).toBeVisible();
  for (const team of ['commerce', 'platform', 'search', 'web'])
    await expect(main.getByText(team, { exact: true }).first()).toBeVisible();
  await shot('overview');
});

test('an SLO page draws its charts and shows the budget the API computes', async ({
  page,
  baseUrl,
  api,
  shot,
}) => {
  await open(page, baseUrl, '/slos/checkout-availability');
  const figure = page.getByTestId('budget-remaining');
  await expect(figure).toBeVisible();
  const shown = Number(await figure.getAttribute('data-budget-remaining'));
  const status = await api.get<SloStatus>('/slos/checkout-availability');
  const fromApi =
    (status as unknown as { status?: SloStatus }).status?.errorBudget.remaining ??
    status.errorBudget?.remaining;
  expect(typeof fromApi).toBe('number');
  // Live data arrives every few seconds: the figure may move a little between the two reads.
  expect(Math.abs(shown - (fromApi as number))).toBeLessThan(0.01);
  await expect(figure).toHaveText(`${((fromApi as number) * 100).toFixed(2)}%`, { timeout: 20_000 });

  // Every chart canvas has pixels drawn on it (uPlot draws to canvas).
  const canvases = page.locator('main .chart canvas');
  await expect(canvases.first()).toBeVisible();
  expect(await canvases.count()).toBeGreaterThanOrEqual(2);
  const painted = await canvases.evaluateAll((els) =>
    els.map((el) => {
      // Runs in the browser; typed structurally because the test program has no DOM types.
      const c = el as unknown as {
        width: number;
        height: number;
        getContext(kind: '2d'): {
          getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
        };
      };
      const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let opaque = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) opaque++;
      return opaque;
    }),
  );
  for (const n of painted) expect(n).toBeGreaterThan(500);
  await shot('slo');
});

test('the scripted fault pages someone; the page is acknowledged from the alerts page', async ({
  page,
  baseUrl,
  api,
  shot,
}) => {
  // The demo starts its fault at once here; wait for the fast burn to page.
  let paged: AlertGroup | undefined;
  await expect
    .poll(
      async () => {
        const groups = await api.get<AlertGroup[]>('/alert-groups');
        paged = groups.find((g) => g.page?.status === 'active');
        return paged !== undefined;
      },
      { timeout: 180_000, intervals: [2_000] },
    )
    .toBe(true);
  await open(page, baseUrl, `/alerts/groups/${paged!.id}`);
  await shot('alert-group-paged');
  await page.getByRole('button', { name: 'Acknowledge', exact: true }).first().click();
  await expect
    .poll(async () => (await api.get<AlertGroup>(`/alert-groups/${paged!.id}`)).page?.status)
    .toBe('acknowledged');
  await expect(page.getByText(/Acknowledged by admin/).first()).toBeVisible();
  await shot('alert-group-acknowledged');
});

test('silences a firing alert group from the alerts page', async ({ page, baseUrl, api, shot }) => {
  await open(page, baseUrl, '/alerts');
  await shot('alerts');
  await page.getByRole('button', { name: 'Silence this group' }).first().click();
  await page.getByLabel('Comment').fill('Known: the demo fault, e2e test');
  await page.getByRole('button', { name: 'Create silence' }).click();
  await expect
    .poll(async () => {
      const silences = await api.get<{ comment: string; status: { state: string } }[]>('/silences');
      return silences.some(
        (s) => s.comment === 'Known: the demo fault, e2e test' && s.status.state === 'active',
      );
    })
    .toBe(true);
  await expect(page.getByText('Known: the demo fault, e2e test').first()).toBeVisible();
});

test('declares an incident, adds a note, resolves it', async ({ page, baseUrl, api, shot }) => {
  await open(page, baseUrl, '/incidents');
  await page.getByRole('button', { name: 'Declare incident' }).click();
  await page.getByLabel('Title').fill('Search results empty for some queries');
  const form = page.locator('form', { has: page.getByRole('button', { name: 'Declare', exact: true }) });
  await form.getByLabel('Severity').selectOption('SEV3');
  await form.getByLabel('Impacted services').selectOption(['search']);
  await page.getByRole('button', { name: 'Declare', exact: true }).click();
  await expect(page).toHaveURL(/\/incidents\/INC-\d+$/);
  const id = page.url().split('/').pop()!;
  await expect(page.locator('main h1')).toContainText('Search results empty');

  await page.locator('textarea.inc-note-text').fill('Reindex started on search-2');
  await page.getByRole('button', { name: 'Add note' }).click();
  await expect(page.getByText('Reindex started on search-2')).toBeVisible();

  await page.getByRole('button', { name: 'Resolve', exact: true }).click();
  await page.getByRole('button', { name: /→ resolved/ }).click();
  await expect
    .poll(async () => (await api.get<{ status: string }>(`/incidents/${id}`)).status)
    .toBe('resolved');
  const incident = await api.get<{ timeline: { kind: string; text: string }[] }>(`/incidents/${id}`);
  expect(incident.timeline.map((e) => e.kind)).toEqual(
    expect.arrayContaining(['declared', 'note', 'status']),
  );
  await shot('incident');
});

test("the past incident's published postmortem renders", async ({ page, baseUrl, api, shot }) => {
  const incidents = await api.get<{ id: string; status: string }[]>('/incidents?status=closed');
  const past = incidents.find((i) => i.status === 'closed');
  expect(past, 'the demo has a closed past incident').toBeDefined();
  await open(page, baseUrl, `/incidents/${past!.id}/postmortem`);
  await expect(page.getByText(/published/i).first()).toBeVisible();
  await expect(page.locator('.markdown').first()).not.toBeEmpty();
  await shot('postmortem');
});

test('every main page opens without errors', async ({ page, baseUrl, shot }) => {
  for (const [path, name] of [
    ['/services', 'services'],
    ['/services/checkout', 'service'],
    ['/slos', 'slos'],
    ['/oncall', 'oncall'],
    ['/oncall/schedules/commerce-primary', 'schedule'],
    ['/notifications', 'notifications'],
    ['/action-items', 'action-items'],
    ['/settings/tokens', 'tokens'],
    ['/admin/users', 'users'],
    ['/admin/teams', 'teams'],
  ] as const) {
    await open(page, baseUrl, path);
    await expect(page.locator('.problem')).toHaveCount(0);
    await shot(name);
  }
});

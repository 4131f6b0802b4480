/**
 * Issue 9's Capacity pages in the browser: a resource made through the API (60 days of hourly
 * usage with a daily cycle and a trend) shows its forecast chart, the model and backtest the API
 * computed, and a "+40 %" scenario moves the runway date to the API's scenario date; the runway
 * table lists resources in the API's order of urgency; the ad-hoc card forecasts pasted CSV.
 */
import { type Api, expect, open, test } from './fixtures.js';

test.describe.configure({ mode: 'serial' });

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const stamp = Date.now();
const resource = `e2e-cpu-${stamp}`;
const scenario = `e2e-plus40-${stamp}`;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

interface Forecast {
  organic: {
    model: { explanation: string };
    backtest: { mase: number | null } | null;
    runway: { threshold: { at: string | null } } | null;
  };
  scenario: { outlook: { runway: { threshold: { at: string | null } } | null } } | null;
}
interface RunwayTable {
  items: { resource: string; thresholdAt: string | null }[];
}

/** 30 cores + 0.24 cores a day, ±8 cores over the day, a little deterministic noise. */
const usage = (h: number) =>
  30 + 0.01 * h + 8 * Math.sin((2 * Math.PI * h) / 24) + 0.4 * Math.sin(h * 12.9898) * Math.cos(h * 78.233);

async function setUp(api: Api) {
  const now = Math.floor(Date.now() / HOUR) * HOUR;
  // Threshold 64 cores: organically ~7 weeks away; +40 % from day 10 crosses it on day 10.
  await api.post('/apply', {
    files: [
      {
        path: `${resource}.yaml`,
        content: `apiVersion: headroom.dev/v1
kind: CapacityResource
metadata: { name: ${resource}, title: E2E checkout CPU }
spec:
  service: checkout
  measure: cpu-cores
  limit: 80
  safeUtilisation: 80%
  leadTime: 30d
  costPerUnitMonth: 20
  currency: EUR
  perInstance: 8
  redundancy: 2
  regions:
    - { name: eu-west, share: 60% }
    - { name: us-east, share: 40% }
---
apiVersion: headroom.dev/v1
kind: GrowthScenario
metadata: { name: ${scenario}, title: "+40 % (${stamp})" }
spec:
  description: Browser test scenario
  selector: { resources: [${resource}] }
  events:
    - { name: launch, type: step, start: ${day(now + 10 * DAY)}, change: +40% }
`,
      },
    ],
  });
  const hours = 60 * 24;
  await api.post(
    '/capacity/usage',
    Array.from({ length: hours }, (_, h) => ({
      resource,
      ts: new Date(now - (hours - h) * HOUR).toISOString(),
      value: usage(h),
    })),
  );
}

test('a resource page draws its forecast, shows the API’s model and backtest, and a scenario moves runway', async ({
  page,
  baseUrl,
  api,
  shot,
}) => {
  await setUp(api);
  const organic = await api.get<Forecast>(`/capacity/resources/${resource}/forecast?horizon=90d`);
  expect(organic.organic.runway?.threshold.at).toBeTruthy();

  await open(page, baseUrl, `/capacity/${resource}`);
  await expect(page.locator('main h1')).toHaveText('E2E checkout CPU');
  await expect(page.getByTestId('model-explanation')).toHaveText(organic.organic.model.explanation);
  expect(organic.organic.model.explanation).toMatch(/daily seasonality/);
  const mase = organic.organic.backtest?.mase;
  expect(typeof mase).toBe('number');
  await expect(page.getByTestId('backtest-mase')).toHaveAttribute('data-mase', String(mase));
  await expect(page.getByTestId('backtest-mase')).toHaveText((mase as number).toFixed(2));
  await expect(page.getByTestId('runway-threshold-organic')).toHaveAttribute(
    'data-at',
    organic.organic.runway?.threshold.at as string,
  );

  // The chart canvas has pixels drawn on it (uPlot draws to canvas).
  const canvases = page.locator('main .chart canvas');
  await expect(canvases.first()).toBeVisible();
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
  for (const count of painted) expect(count).toBeGreaterThan(1000);
  await shot('capacity-resource');

  // Choose the "+40 %" scenario: the runway date shown is the API's scenario date, earlier than organic.
  await page.getByLabel('Scenario').selectOption(scenario);
  await expect(page).toHaveURL(new RegExp(`scenario=${scenario}`));
  const under = await api.get<Forecast>(
    `/capacity/resources/${resource}/forecast?horizon=90d&scenario=${scenario}`,
  );
  const moved = under.scenario?.outlook.runway?.threshold.at;
  expect(moved).toBeTruthy();
  expect(Date.parse(moved as string)).toBeLessThan(
    Date.parse(organic.organic.runway?.threshold.at as string),
  );
  await expect(page.getByTestId('runway-threshold-scenario')).toHaveAttribute('data-at', moved as string);
  await expect(page.getByTestId('runway-threshold-organic')).toHaveAttribute(
    'data-at',
    organic.organic.runway?.threshold.at as string,
  );
  await expect(page.getByTestId('cost-scenario')).toBeVisible();
  await shot('capacity-resource-scenario');

  // The deep link restores the scenario and the horizon.
  await open(page, baseUrl, `/capacity/${resource}?scenario=${scenario}&horizon=180d`);
  await expect(page.getByLabel('Scenario')).toHaveValue(scenario);
  await expect(page.getByRole('button', { name: '180d' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('runway-threshold-scenario')).toBeVisible();
});

test('the runway table lists resources in the API’s order of urgency', async ({
  page,
  baseUrl,
  api,
  shot,
}) => {
  await open(page, baseUrl, '/capacity');
  const rows = page.locator('[data-testid="runway-table"] tbody tr');
  await expect(rows.first()).toBeVisible();
  await expect(page.locator(`tr[data-resource="${resource}"]`)).toBeVisible();
  await expect
    .poll(async () => {
      const table = await api.get<RunwayTable>('/capacity/runway');
      const shown = await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-resource')));
      return JSON.stringify(shown) === JSON.stringify(table.items.map((r) => r.resource));
    })
    .toBe(true);
  const row = page.locator(`tr[data-resource="${resource}"]`);
  await expect(row.getByRole('link', { name: 'E2E checkout CPU' })).toHaveAttribute(
    'href',
    `/capacity/${resource}`,
  );
  await shot('capacity');

  // Under the scenario the table is the API's scenario table.
  await page.getByLabel('Scenario').selectOption(scenario);
  const under = await api.get<RunwayTable>(`/capacity/runway?scenario=${scenario}`);
  const mine = under.items.find((r) => r.resource === resource);
  await expect(row.getByTestId('threshold-at')).toHaveAttribute('data-at', mine?.thresholdAt ?? '');
  await shot('capacity-scenario');
});

test('the ad-hoc forecast card forecasts pasted CSV as the API does', async ({
  page,
  baseUrl,
  api,
  shot,
}) => {
  const start = Date.UTC(2026, 0, 1);
  const csv = [
    'timestamp,value',
    ...Array.from(
      { length: 21 * 24 },
      (_, h) => `${new Date(start + h * HOUR).toISOString()},${usage(h).toFixed(3)}`,
    ),
  ].join('\n');
  const fromApi = await api.post<{
    model: { explanation: string };
    backtest: { mase: number | null } | null;
  }>('/capacity/forecast', { csv });
  await open(page, baseUrl, '/capacity');
  await page.getByLabel('CSV rows').fill(csv);
  await page.getByRole('button', { name: 'Forecast', exact: true }).click();
  await expect(page.getByTestId('adhoc-result')).toBeVisible();
  await expect(page.getByTestId('adhoc-model')).toContainText(fromApi.model.explanation);
  await expect(page.getByTestId('adhoc-mase')).toHaveAttribute(
    'data-mase',
    String(fromApi.backtest?.mase ?? ''),
  );
  await page.getByTestId('adhoc-result').scrollIntoViewIfNeeded();
  await shot('capacity-adhoc');
});

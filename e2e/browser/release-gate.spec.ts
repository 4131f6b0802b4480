/**
 * Issue 7's "done when", as a pipeline and a newcomer meet it in `headroom demo`: the real CLI's
 * release gate for checkout fails naming the SLO once the scripted fault has exhausted
 * checkout-latency's budget (the demo's rough month left little of it), passes for a change
 * labelled p0-fix, and the UI shows the deny verdict, the DORA figures and the deployments.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, open, test } from './fixtures.js';

test.describe.configure({ mode: 'serial' });

const root = fileURLToPath(new URL('../..', import.meta.url));

interface GateRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `node bin/headroom.js gate checkout …` against the demo, as a CI step runs it. */
function gate(...args: string[]): Promise<GateRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/headroom.js', 'gate', 'checkout', ...args],
      {
        cwd: root,
        env: {
          ...process.env,
          HEADROOM_URL: process.env.HEADROOM_E2E_URL,
          HEADROOM_TOKEN: process.env.HEADROOM_E2E_TOKEN,
        },
      },
      (error, stdout, stderr) => {
        const code = error ? Number((error as NodeJS.ErrnoException & { code?: unknown }).code ?? 2) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

interface Deployment {
  id: string;
  service: string;
  startedAt: string;
  incidents: string[];
}

test('the release gate freezes checkout once the fault exhausts its budget; p0-fix still passes', async ({
  page,
  baseUrl,
  api,
  shot,
}) => {
  test.setTimeout(12 * 60_000);
  // The fault started with the demo; the gate answers allow or warn until the budget runs out.
  let last: GateRun | undefined;
  await expect
    .poll(
      async () => {
        last = await gate();
        expect([0, 1], `gate exit code; output:\n${last.stdout}${last.stderr}`).toContain(last.code);
        return last.code;
      },
      { timeout: 10 * 60_000, intervals: [5_000] },
    )
    .toBe(1);
  expect(last!.stdout).toContain('checkout-latency');
  expect(last!.stdout).toMatch(/DENY/);

  const fix = await gate('--change-label', 'p0-fix');
  expect(fix.code, fix.stdout + fix.stderr).toBe(0);
  expect(fix.stdout).toContain('p0-fix');

  const policy = await api.get<{ verdict: string; slos: { name: string; budgetRemaining: number }[] }>(
    '/services/checkout/policy',
  );
  expect(policy.verdict).toBe('deny');
  expect(policy.slos.find((s) => s.name === 'checkout-latency')!.budgetRemaining).toBeLessThanOrEqual(0);
  // The other SLOs of the demo stay healthy: only checkout is frozen.
  expect((await api.get<{ verdict: string }>('/services/payments/policy')).verdict).not.toBe('deny');

  await open(page, baseUrl, '/services/checkout');
  const verdict = page.getByTestId('policy-verdict');
  await expect(verdict).toHaveAttribute('data-verdict', 'deny');
  await expect(verdict).toContainText('deny: release freeze');
  await expect(verdict).toContainText('checkout-latency');
  // The gate decisions the CLI just recorded, with the p0-fix label.
  await expect(page.getByRole('heading', { name: 'Recent gate decisions' })).toBeVisible();
  await expect(page.locator('main').getByText('p0-fix', { exact: true }).first()).toBeVisible();
  // The DORA panel: four keys, each with a level from the thresholds shown.
  const dora = page.getByTestId('dora-panel');
  await expect(dora).toBeVisible();
  await expect(dora.locator('[data-dora-key]')).toHaveCount(4);
  await expect(dora.locator('[data-dora-key="deploymentFrequency"]')).not.toHaveAttribute(
    'data-dora-level',
    'none',
  );
  await expect(dora.locator('.dora-thresholds').first()).toContainText('elite');
  await shot('release-gate-service');
});

test('an SLO chart marks the deployments of its service', async ({ page, baseUrl, api, shot }) => {
  const slo = await api.get<{ status: { window: { start: string } } }>('/slos/checkout-latency');
  const deployments = await api.get<Deployment[]>(
    `/deployments?service=checkout&from=${encodeURIComponent(slo.status.window.start)}&limit=1000`,
  );
  expect(deployments.length).toBeGreaterThan(10);
  await open(page, baseUrl, '/slos/checkout-latency');
  const history = page.getByTestId('slo-history');
  await expect(history).toBeVisible();
  // The deployments arrive after the series; live ones may land between the two reads.
  await expect
    .poll(async () => Number(await history.getAttribute('data-deployments')))
    .toBeGreaterThanOrEqual(deployments.length - 2);
  await expect(history).toContainText(/dashed blue lines: \d+ deployments/);
  await expect(page.getByTestId('policy-verdict')).toHaveAttribute('data-verdict', 'deny');
  // Zoomed to 7 days, a deployment's marker is in view and its canvas is painted.
  await page.getByRole('button', { name: '7 d' }).click();
  await expect(page.locator('main .chart canvas').first()).toBeVisible();
  await shot('release-gate-slo');
});

test('the past incident shows its linked checkout deployment; deployments and DORA pages list them', async ({
  page,
  baseUrl,
  api,
  shot,
}) => {
  const linked = (await api.get<Deployment[]>('/deployments?service=checkout&limit=1000')).filter(
    (d) => d.incidents.length > 0,
  );
  expect(linked.length).toBeGreaterThanOrEqual(1);
  const [dep] = linked;
  await open(page, baseUrl, `/incidents/${dep!.incidents[0]}`);
  await expect(page.getByTestId('linked-deployments')).toContainText(dep!.id);
  await shot('release-gate-incident');

  await open(page, baseUrl, '/deployments?service=checkout');
  await expect(page.locator(`tr[data-deployment="${dep!.id}"]`)).toBeVisible();
  await shot('deployments');

  await open(page, baseUrl, '/dora');
  await expect(page.getByRole('heading', { name: 'Per team' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'commerce' }).first()).toBeVisible();
  await expect(page.getByTestId('dora-panel').first()).toBeVisible();
  await shot('dora');
});

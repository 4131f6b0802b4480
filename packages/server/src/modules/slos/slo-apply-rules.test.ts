import type { ApplyResult } from '@headroom/core/api/apply';
import type { AuditEntry } from '@headroom/core/api/auth';
import type { Problem } from '@headroom/core/api/common';
import type { Slo } from '@headroom/core/api/slo';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test-support/app.js';
import { apply, catalogCounts, get } from '../../test-support/apply.js';
import { dropCreatedDatabases, supportedDatabases } from '../../test-support/databases.js';
import { type ApplyFile, catalog, checkoutSlo } from '../../test-support/openslo.js';

afterAll(dropCreatedDatabases);

async function counts(t: TestApp) {
  const db = t.database.db;
  const out = await catalogCounts(t);
  for (const table of ['slos', 'openslo_objects', 'openslo_references'] as const) {
    const row = await db.selectFrom(table).select(db.fn.countAll().as('n')).executeTakeFirstOrThrow();
    out[table] = Number(row.n);
  }
  return out;
}

const slo = (name: string, service: string, body: string): ApplyFile => ({
  path: `${name}.yaml`,
  content: `apiVersion: openslo/v1
kind: SLO
metadata:
  name: ${name}
spec:
  service: ${service}
${body}`,
});

const latencySli: ApplyFile = {
  path: 'latency-sli.yaml',
  content: `apiVersion: openslo/v1
kind: SLI
metadata:
  name: latency
spec:
  thresholdMetric:
    metricSource:
      type: headroom
      spec: {}
`,
};

const twoObjectives = `  indicatorRef: latency
  timeWindow:
    - duration: 7d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - op: lt
      value: 300
      target: 0.9
    - op: lt
      value: 1000
      target: 0.99
`;

describe.each(supportedDatabases())('apply rules for SLOs on $name', ({ name, available }) => {
  let t: TestApp;
  beforeEach(async () => {
    if (available) t = await startTestApp(name);
  });
  afterEach(async () => {
    if (available) await t.close();
  });

  /** Expects a problem+json with this status and code, and that nothing was written. */
  async function refused(files: ApplyFile[], status: number, code: string, headers = t.admin) {
    const before = await counts(t);
    const res = await apply(t, files, { headers });
    expect(res.statusCode, res.body).toBe(status);
    const problem = res.json() as Problem;
    expect(problem.code).toBe(code);
    expect(await counts(t)).toEqual(before);
    return problem;
  }

  it.runIf(available)('refuses a bad objective with file, line and field, writing nothing', async () => {
    const bad = slo(
      'broken',
      'web-shop',
      `  indicatorRef: checkout-requests
  timeWindow:
    - duration: 28d
      isRolling: true
  budgetingMethod: Timeslices
  objectives:
    - target: 1.5
      timeSliceTarget: 0.9
`,
    );
    const p = await refused([catalog, checkoutSlo(), bad], 400, 'INVALID_CONFIG');
    expect(p.errors).toEqual([
      {
        path: '/spec/objectives/0/target',
        message: 'must be at least 0 and below 1, not 1.5',
        file: 'broken.yaml',
        line: 13,
        column: 15,
      },
      expect.objectContaining({ path: '/spec/objectives/0/timeSliceWindow', file: 'broken.yaml', line: 13 }),
    ]);
    expect(p.detail).toMatch(/^broken\.yaml:13:15: spec\.objectives\[0\]\.target must be/);
  });

  it.runIf(available)('refuses an indicatorRef that names no SLI in the files or stored', async () => {
    const p = await refused(
      [catalog, slo('orphan', 'web-shop', twoObjectives.replace('latency', 'nowhere'))],
      400,
      'INVALID_CONFIG',
    );
    expect(p.errors).toEqual([
      {
        path: '/spec/indicatorRef',
        message: "names no SLI: 'nowhere' is neither in these files nor stored in Headroom",
        file: 'orphan.yaml',
        line: 7,
        column: 17,
      },
    ]);
  });

  it.runIf(available)(
    'checks an SLO against a stored SLI, and a changed SLI against stored SLOs',
    async () => {
      await apply(t, [catalog, latencySli]);
      const p = await refused([slo('latency-slo', 'web-shop', twoObjectives)], 400, 'INVALID_CONFIG');
      expect(p.errors?.[0]).toMatchObject({ path: '/spec/objectives/1', file: 'latency-slo.yaml', line: 16 });
      expect(p.errors?.[0]?.message).toContain('exactly one objective');

      // A ratio SLI with a two-objective SLO is fine; turning the SLI into a threshold one is not.
      const ratioSli = {
        path: 'latency-sli.yaml',
        content: latencySli.content.replace(
          '  thresholdMetric:\n    metricSource:\n      type: headroom\n      spec: {}',
          '  ratioMetric:\n    good:\n      metricSource:\n        type: headroom\n    total:\n      metricSource:\n        type: headroom',
        ),
      };
      expect((await apply(t, [ratioSli, slo('latency-slo', 'web-shop', twoObjectives)])).statusCode).toBe(
        200,
      );
      const q = await refused([latencySli], 400, 'INVALID_CONFIG');
      expect(q.errors?.[0]).toMatchObject({ path: '/spec', file: 'latency-sli.yaml', line: 6 });
      expect(q.errors?.[0]?.message).toContain("no longer fits the stored SLO 'latency-slo'");
    },
  );

  it.runIf(available)('lets the owning team change its SLOs, and nobody else', async () => {
    await apply(t, [catalog, checkoutSlo()]);
    const payments = await t.userWithToken('pat', 'editor', ['payments']);
    const search = await t.userWithToken('sam', 'editor', ['search']);
    const viewer = await t.userWithToken('val', 'viewer', ['payments']);

    const p = await refused([checkoutSlo('0.99')], 403, 'FORBIDDEN', search);
    expect(p.detail).toContain(
      "sam is not a member of the team that owns SLO 'slo:default/checkout-availability'",
    );
    await refused([checkoutSlo('0.99')], 403, 'FORBIDDEN', viewer);
    // The SLI is used by payments' SLO: only payments (or an admin) may change it.
    const sliOnly = checkoutSlo();
    sliOnly.content = sliOnly.content
      .slice(0, sliOnly.content.indexOf('---'))
      .replace('counter: true', 'counter: false');
    const q = await refused([sliOnly], 403, 'FORBIDDEN', search);
    expect(q.detail).toContain("used by SLO 'checkout-availability'");
    // An SLO on a service that is not in the catalog has no owner: admins only.
    const stray = twoObjectives
      .replace('latency', 'checkout-requests')
      .split('    - op: lt\n      value: 1000')[0]!;
    await refused([slo('stray', 'nowhere', stray)], 403, 'FORBIDDEN', payments);

    const both = checkoutSlo('0.99');
    both.content = both.content.replace('counter: true', 'counter: false');
    const ok = await apply(t, [both], { headers: payments });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((ok.json() as ApplyResult).summary).toMatchObject({ update: 2 });
    expect((await apply(t, [latencySli], { headers: search })).statusCode).toBe(200);
    // A service declared in the same apply gives its SLOs their owner at once.
    const newService = {
      path: 'orders.yaml',
      content: catalog.content.split('---\n')[2]!.replace('web-shop', 'orders'),
    };
    const orders = slo('orders-slo', 'orders', stray);
    const created = await apply(t, [newService, orders], { headers: payments });
    expect(created.statusCode, created.body).toBe(200);
    expect((await get<Slo>(t, '/slos/orders-slo')).ownerTeam).toBe('payments');

    const audit = await get<AuditEntry[]>(t, '/audit?targetKind=slo');
    expect(audit.map((a) => [a.action, a.targetRef, a.actor])).toEqual([
      ['apply.create', 'slo:default/orders-slo', 'pat'],
      ['apply.update', 'slo:default/checkout-availability', 'pat'],
      ['apply.create', 'slo:default/checkout-availability', 'admin'],
    ]);
  });

  it.runIf(available)('warns about objectives above 0.9999 with one-minute buckets', async () => {
    const res = await apply(t, [catalog, checkoutSlo('0.99999')]);
    const result = res.json() as ApplyResult;
    expect(result.warnings).toEqual([
      {
        message: expect.stringContaining('a single minute of total failure exhausts the whole budget'),
        file: 'checkout.yaml',
        line: 61,
        path: '/spec/objectives/0/target',
      },
    ]);
  });

  it.runIf(available)(
    'prunes SLOs and objects the files no longer hold, not an SLI still in use',
    async () => {
      await apply(t, [catalog, checkoutSlo()]);
      const sloOnly = checkoutSlo();
      sloOnly.content = sloOnly.content.slice(sloOnly.content.lastIndexOf('---\n') + 4);
      // Without prune the stored SLI still resolves; with it, the SLO would lose its indicator.
      expect((await apply(t, [catalog, sloOnly])).statusCode).toBe(200);
      const res = await apply(t, [catalog, sloOnly], { prune: true });
      expect(res.statusCode).toBe(400);
      expect((res.json() as Problem).errors?.[0]).toMatchObject({
        path: '/spec/indicatorRef',
        file: 'checkout.yaml',
      });

      const gone = await apply(t, [catalog], { prune: true });
      expect(gone.statusCode, gone.body).toBe(200);
      expect(
        (gone.json() as ApplyResult).items.filter((i) => i.action === 'delete').map((i) => i.ref),
      ).toEqual([
        'slo:default/checkout-availability',
        'sli:default/checkout-requests',
        'alertpolicy:default/fast-burn',
        'alertnotificationtarget:default/on-call',
      ]);
      expect(await get<Slo[]>(t, '/slos')).toEqual([]);
      expect((await counts(t)).openslo_references).toBe(0);
    },
  );
});

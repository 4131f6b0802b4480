/**
 * The exported rule file against a real Prometheus (Debian's package): promtool accepts it,
 * Prometheus loads and evaluates it, and over a day of the same data — two days of generated
 * per-minute counters with a sharp outage and a long degradation — the exported alerts fire at
 * exactly the minutes Headroom's own burn-rate tiers fire, tier by tier.
 *
 * Why exact: history samples sit on minute boundaries, so Prometheus' increase() over a window
 * ending on a boundary holds samples at both ends and does not extrapolate; it equals the sum
 * of Headroom's minute buckets over the same window (see prometheus/real-prometheus.test.ts).
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { burnRateOptionsFromAnnotations, evaluateBurnRateTiers } from '@headroom/core/alerting/burn-rate';
import { BucketSeries } from '@headroom/core/slo/bucket-series';
import { evaluateObjectives } from '@headroom/core/slo/evaluate';
import { windowAt, windowSpecFromModel } from '@headroom/core/slo/time-window';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startTestApp, type TestApp } from '../../test-support/app.js';
import { dropCreatedDatabases } from '../../test-support/databases.js';
import { prometheusBinaries, startPrometheus, type TestPrometheus } from '../../test-support/prometheus.js';
import { PrometheusPoller } from '../prometheus/poller.js';
import { prometheusSourcesOf } from '../prometheus/slo-sources.js';
import { readBuckets } from '../sli-data/repo.js';
import { getResolvedSlo } from '../slos/service.js';

afterAll(dropCreatedDatabases);

const run = promisify(execFile);
const binaries = prometheusBinaries();
const M = 60_000;

/** Two days of per-minute traffic: diurnal, a trickle of errors, an outage and a degradation. */
function history(end: number) {
  const start = end - 2 * 1440;
  let seed = 7;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const lines = { ok: [] as string[], err: [] as string[] };
  let ok = 0;
  let err = 0;
  for (let b = start; b <= end; b++) {
    lines.ok.push(`rules_requests_total{code="200"} ${ok} ${b * 60}`);
    lines.err.push(`rules_requests_total{code="500"} ${err} ${b * 60}`);
    const k = b - start;
    const total = Math.round(200 + 150 * Math.sin((k / 1440) * 2 * Math.PI));
    const rate = k >= 1700 && k < 1740 ? 0.05 : k >= 2300 && k < 2480 ? 0.008 : 0.0002;
    const errors = Math.floor(total * rate) + (random() < total * rate - Math.floor(total * rate) ? 1 : 0);
    ok += total - errors;
    err += errors;
  }
  const text = [
    '# HELP rules_requests Generated requests.',
    '# TYPE rules_requests counter',
    ...lines.ok,
    ...lines.err,
    '# EOF',
    '',
  ].join('\n');
  return { start, end, text };
}

const sloYaml = (url: string) => `apiVersion: openslo/v1
kind: DataSource
metadata:
  name: prometheus
spec:
  type: Prometheus
  connectionDetails:
    - url: ${url}
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout-availability
spec:
  service: checkout
  budgetingMethod: Occurrences
  timeWindow:
    - duration: 30d
      isRolling: true
  objectives:
    - target: 0.999
  indicator:
    metadata:
      name: checkout-requests
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource:
            metricSourceRef: prometheus
            spec:
              query: rules_requests_total{code="200"}
        total:
          metricSource:
            metricSourceRef: prometheus
            spec:
              query: sum(rules_requests_total)
`;

describe.runIf(binaries.available)('exported Prometheus rules on a real Prometheus', () => {
  let prometheus: TestPrometheus;
  let t: TestApp;
  let data: ReturnType<typeof history>;
  let rulesDir: string;

  beforeAll(async () => {
    data = history(Math.floor(Date.now() / M) - 180);
    prometheus = await startPrometheus({ binaries, targets: [], openMetrics: data.text });
    t = await startTestApp('sqlite');
    const api = (url: string, payload: object) =>
      t.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: t.admin, payload });
    expect((await api('/teams', { name: 'payments' })).statusCode).toBe(201);
    expect((await api('/services', { name: 'checkout', owner: 'payments' })).statusCode).toBe(201);
    const applied = await api('/apply', { files: [{ path: 'slo.yaml', content: sloYaml(prometheus.url) }] });
    expect(applied.statusCode, applied.body).toBe(200);
    rulesDir = await mkdtemp(join(tmpdir(), 'headroom-rules-'));
  }, 120_000);

  afterAll(async () => {
    await prometheus?.dispose();
    await t?.close();
    if (rulesDir) await rm(rulesDir, { recursive: true, force: true });
  });

  it('fire at the same minutes as Headroom’s tiers over the same data', async () => {
    const exported = await t.app.inject({
      method: 'GET',
      url: '/api/v1/export/prometheus-rules?service=checkout',
      headers: t.admin,
    });
    expect(exported.statusCode, exported.body).toBe(200);
    expect(exported.headers['content-type']).toContain('application/yaml');
    const file = join(rulesDir, 'headroom.rules.yml');
    await writeFile(file, exported.body);
    // promtool's own check.
    const checked = await run(binaries.promtool!, ['check', 'rules', file]);
    expect(checked.stdout).toContain('SUCCESS');

    // Backfill the recording rules over the history (as a team adopting the file would), then
    // restart Prometheus with the blocks and the rule file loaded.
    const blocks = join(rulesDir, 'blocks');
    await run(
      binaries.promtool!,
      [
        'tsdb',
        'create-blocks-from',
        'rules',
        `--start=${data.start * 60}`,
        `--end=${data.end * 60}`,
        `--url=${prometheus.url}`,
        '--eval-interval=60s',
        `--output-dir=${blocks}`,
        file,
      ],
      { maxBuffer: 16 * 1024 * 1024 },
    );
    await prometheus.stop();
    for (const block of await readdir(blocks))
      await cp(join(blocks, block), join(prometheus.dir, 'data', block), { recursive: true });
    const config = await readFile(join(prometheus.dir, 'prometheus.yml'), 'utf8');
    await writeFile(
      join(prometheus.dir, 'prometheus.yml'),
      `${config.replace('  evaluation_interval: 1m', '  evaluation_interval: 1s')}rule_files: ['${file}']\n`,
    );
    await prometheus.start();

    // Prometheus loaded every rule and evaluates them without error.
    let rules: { health: string; name: string; type: string }[] = [];
    for (let i = 0; i < 50; i++) {
      const body = (await (await fetch(`${prometheus.url}/api/v1/rules`)).json()) as {
        data: { groups: { rules: { health: string; name: string; type: string }[] }[] };
      };
      rules = body.data.groups.flatMap((g) => g.rules);
      if (rules.length > 0 && rules.every((r) => r.health === 'ok')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(rules.filter((r) => r.type === 'alerting').map((r) => r.name)).toEqual([
      'ErrorBudgetBurn',
      'ErrorBudgetBurn',
    ]);
    expect(rules.every((r) => r.health === 'ok')).toBe(true);

    // Headroom's side: the same history read through its Prometheus source, then its tiers at every minute.
    const resolved = await getResolvedSlo(t.database.db, 'checkout-availability');
    const sli = prometheusSourcesOf(resolved.slo).slis[0]!;
    const poller = new PrometheusPoller({ db: t.database.db, slis: () => [] });
    const now = Date.now();
    await poller.backfill(sli, now - (data.start - 5) * M, now);
    const rows = await readBuckets(t.database.db, sli.stream, data.start - 5, data.end + 5);
    const series = BucketSeries.build(
      {
        minutes: rows.map((r) => r.minute),
        channels: [rows.map((r) => r.good), rows.map((r) => r.total)],
      },
      { fromMinute: data.start - 5, toMinute: data.end + 5, keep: 'all' },
    );
    const spec = windowSpecFromModel(resolved.slo.timeWindow);
    const options = burnRateOptionsFromAnnotations(resolved.slo.annotations).options;
    const from = data.end - 1440;
    const headroom = { page: [] as number[], ticket: [] as number[] };
    for (let m = from; m <= data.end; m++) {
      const at = m * M;
      const e = evaluateObjectives([{ series, objective: 0.999 }], windowAt(spec, at), true, at);
      const tiers = evaluateBurnRateTiers(
        {
          slo: 'checkout-availability',
          service: 'checkout',
          target: 0.999,
          sloWindow: '30d',
          sloWindowMs: 30 * 1440 * M,
        },
        { burnRates: e.burnRates, events: e.events },
        options,
      );
      for (const tier of tiers) if (tier.firing) headroom[tier.tier].push(m);
    }

    // Prometheus' side: each exported alert at every minute of the same day, twice — with its
    // recording rules inlined (Prometheus' engine on the raw counters, at minute boundaries), and
    // as written, over the recorded series promtool backfilled.
    const doc = parse(exported.body) as {
      groups: {
        rules: { record?: string; alert?: string; expr: string; labels?: { tier: 'page' | 'ticket' } }[];
      }[];
    };
    const group = doc.groups[0]!.rules;
    const inline = (expr: string) =>
      group
        .filter((r) => r.record)
        .reduce((e, r) => e.split(`${r.record}{slo="checkout-availability"}`).join(`(${r.expr})`), expr);
    const firingMinutes = async (expr: string) => {
      const url = new URL('/api/v1/query_range', prometheus.url);
      url.searchParams.set('query', expr);
      url.searchParams.set('start', String(from * 60));
      url.searchParams.set('end', String(data.end * 60));
      url.searchParams.set('step', '60');
      const body = (await (await fetch(url)).json()) as {
        status: string;
        data: { result: { values: [number, string][] }[] };
      };
      expect(body.status, JSON.stringify(body)).toBe('success');
      return [...new Set(body.data.result.flatMap((r) => r.values.map(([ts]) => Math.round(ts / 60))))].sort(
        (a, b) => a - b,
      );
    };
    const alertRules = group.filter((r) => r.alert);
    expect(alertRules.map((r) => r.labels?.tier)).toEqual(['page', 'ticket']);
    // Both tiers fire during the day.
    expect(headroom.page.length).toBeGreaterThan(20);
    expect(headroom.ticket.length).toBeGreaterThan(60);
    for (const rule of alertRules) {
      const tier = rule.labels!.tier;
      expect(await firingMinutes(inline(rule.expr)), `${tier}, recording rules inlined`).toEqual(
        headroom[tier],
      );
      // The recorded series were evaluated by promtool at its own instants, where increase()
      // extrapolates to the window's edges: the same periods, give or take a minute at their edges.
      const recorded = await firingMinutes(rule.expr);
      const near = (m: number) =>
        headroom[tier].some((h) => Math.abs(h - m) <= 2) && recorded.some((r) => Math.abs(r - m) <= 2);
      const differing = [
        ...recorded.filter((m) => !headroom[tier].includes(m)),
        ...headroom[tier].filter((m) => !recorded.includes(m)),
      ];
      expect(
        differing.filter((m) => !near(m)),
        `${tier}: minutes far from both edges`,
      ).toEqual([]);
      expect(differing.length, `${tier}: ${differing.length} minutes differ`).toBeLessThanOrEqual(6);
    }
  }, 180_000);
});

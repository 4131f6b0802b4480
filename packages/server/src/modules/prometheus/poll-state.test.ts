/** Poll state goes with its SLO: pruned by apply, a re-created SLO polls afresh. On every database. */
import http from 'node:http';
import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../../test-support/app.js';
import { apply } from '../../test-support/apply.js';
import { dropCreatedDatabases, supportedDatabases } from '../../test-support/databases.js';
import { catalog } from '../../test-support/openslo.js';
import { listPollStates, recordPollError } from './poll-state.js';
import { PrometheusPoller } from './poller.js';
import { loadPrometheusSlis } from './service.js';

afterAll(dropCreatedDatabases);

/** A stand-in Prometheus whose counters grow by 10 a minute. */
let fake: http.Server;
let fakeUrl: string;
beforeAll(async () => {
  fake = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const form = new URLSearchParams(body);
      const values: [number, string][] = [];
      for (let t = Number(form.get('start')); t <= Number(form.get('end')); t += Number(form.get('step')))
        values.push([t, String((t / 60) * 10)]);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          status: 'success',
          data: { resultType: 'matrix', result: [{ metric: {}, values }] },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
  fakeUrl = `http://127.0.0.1:${(fake.address() as net.AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => fake.close(resolve)));

const slo = (name: string) => ({
  path: `${name}.yaml`,
  content: `apiVersion: openslo/v1
kind: SLO
metadata:
  name: ${name}
spec:
  service: web-shop
  indicator:
    metadata:
      name: ${name}-sli
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource:
            type: Prometheus
            spec:
              url: ${fakeUrl}
              query: good_total
        total:
          metricSource:
            type: Prometheus
            spec:
              url: ${fakeUrl}
              query: all_total
  timeWindow:
    - duration: 28d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - target: 0.9
`,
});

describe.each(supportedDatabases())(
  'Prometheus poll state of deleted SLOs on $name',
  ({ name, available }) => {
    it.runIf(available)('is deleted with its SLO (apply --prune), and only its own', async () => {
      const t = await startTestApp(name);
      try {
        const db = t.database.db;
        const poll = (lookback: number) =>
          new PrometheusPoller({
            db,
            slis: () => loadPrometheusSlis(db),
            initialLookbackMinutes: lookback,
          }).tick();
        const state = async () =>
          new Map((await listPollStates(db)).map((s) => [s.stream, [s.coveredFrom, s.coveredTo]]));

        // `shop` and `shop-2` (a name that starts like it); `shop.0` stands for a composite objective's stream.
        const both = [catalog, slo('shop'), slo('shop-2')];
        expect((await apply(t, both)).statusCode).toBe(200);
        await poll(30);
        await recordPollError(db, 'shop.0', 'connect ECONNREFUSED', Date.now());
        await recordPollError(db, 'shop.zero', 'not an objective stream of shop', Date.now());
        const before = await state();
        expect([...before.keys()].sort()).toEqual(['shop', 'shop-2', 'shop.0', 'shop.zero']);
        const [from, to] = before.get('shop')!;
        expect(to! - from!).toBe(30);

        const pruned = await apply(t, [catalog, slo('shop-2')], { prune: true });
        expect(pruned.json().items).toContainEqual(
          expect.objectContaining({ action: 'delete', ref: 'slo:default/shop' }),
        );
        expect([...(await state()).keys()].sort()).toEqual(['shop-2', 'shop.zero']);

        // The same name again is a new SLO: its polling starts from its own first look-back.
        expect((await apply(t, both)).statusCode).toBe(200);
        await poll(5);
        const [newFrom, newTo] = (await state()).get('shop')!;
        expect(newTo! - newFrom!).toBe(5);
        expect((await state()).get('shop-2')![0]).toBe(from); // shop-2 kept its range
      } finally {
        await t.close();
      }
    });
  },
);

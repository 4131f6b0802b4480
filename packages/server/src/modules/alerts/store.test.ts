import type { IncomingAlertState } from '@headroom/core/alerting/lifecycle';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/index.js';
import {
  dropCreatedDatabases,
  freshDatabase,
  postgresUrl,
  supportedDatabases,
} from '../../test-support/databases.js';
import { alertEventsSince, alertsChangedSince, sweepStaleAlerts, upsertAlerts } from './store.js';

afterAll(dropCreatedDatabases);

/**
 * Closes the database and, on PostgreSQL, waits until its server sessions are gone: the pool's
 * end() does not wait for them, and dropping the database while a session still closes makes
 * that client report the termination as an unhandled error.
 */
async function closeAndWait(database: Db): Promise<void> {
  await database.close();
  if (database.dialect !== 'postgres' || !postgresUrl) return;
  const name = new URL(database.url).pathname.slice(1);
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    for (let i = 0; i < 100; i++) {
      const r = await client.query<{ n: number }>(
        'select count(*)::int as n from pg_stat_activity where datname = $1',
        [name],
      );
      if (r.rows[0]?.n === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await client.end();
  }
}

const T0 = Date.parse('2026-03-01T12:00:00Z');
const MIN = 60_000;

const firing = (
  labels: Record<string, string>,
  extra: Partial<IncomingAlertState> = {},
): IncomingAlertState => ({
  source: 'headroom',
  integrationId: null,
  status: 'firing',
  labels,
  annotations: { summary: 'burning' },
  ...extra,
});

describe.each(supportedDatabases())('the alert store on $name', ({ name, available }) => {
  let database: Db;
  const db = () => database.db;
  const row = (fingerprint: string) =>
    db().selectFrom('alerts').selectAll().where('fingerprint', '=', fingerprint).executeTakeFirstOrThrow();

  beforeAll(async () => {
    if (available) database = await freshDatabase(name);
  });
  afterAll(async () => {
    if (available) await closeAndWait(database);
  });

  it.runIf(available)(
    'is one alert per label set, whoever reports it (Headroom or Alertmanager)',
    async () => {
      const labels = { alertname: 'SLOBurnRateHigh', slo: 'checkout-availability', severity: 'page' };
      const a = await upsertAlerts(db(), [firing(labels)], T0);
      expect(a).toEqual({
        alerts: [{ fingerprint: a.alerts[0]!.fingerprint, change: 'triggered' }],
        changed: 1,
      });
      const b = await upsertAlerts(
        db(),
        [firing(labels, { source: 'alertmanager', startsAt: T0, annotations: { summary: 'burning' } })],
        T0 + 1000,
      );
      expect(b.alerts[0]!.fingerprint).toBe(a.alerts[0]!.fingerprint);
      expect(b.alerts[0]!.change).toBe('unchanged');
      const count = await db()
        .selectFrom('alerts')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(1);
    },
  );

  it.runIf(available)(
    'numbers events in commit order; the feed returns each changed alert once',
    async () => {
      const { cursor: start } = await alertsChangedSince(db(), 0);
      await upsertAlerts(
        db(),
        [
          firing({ alertname: 'A' }),
          firing({ alertname: 'B' }),
          // The same alert twice in one delivery: both steps apply, in order.
          firing({ alertname: 'A' }, { annotations: { summary: 'worse' } }),
          { ...firing({ alertname: 'B' }), status: 'resolved' },
        ],
        T0,
      );
      const page = await alertsChangedSince(db(), start);
      expect(
        page.alerts.map((a) => [JSON.parse(a.state.labels).alertname, a.state.status, a.lastEvent.kind]),
      ).toEqual([
        ['A', 'firing', 're-received'],
        ['B', 'resolved', 'resolved'],
      ]);
      const events = await alertEventsSince(db(), start);
      expect(events.events.map((e) => e.kind)).toEqual(['triggered', 'triggered', 're-received', 'resolved']);
      expect(events.events.map((e) => e.seq)).toEqual([start + 1, start + 2, start + 3, start + 4]);
      expect(page.cursor).toBe(start + 4);
      expect((await alertsChangedSince(db(), page.cursor)).alerts).toEqual([]);
      // Paging by limit hands out the rest afterwards.
      const first = await alertsChangedSince(db(), start, 1);
      expect(first.alerts).toHaveLength(1);
      expect((await alertsChangedSince(db(), first.cursor)).alerts).toHaveLength(1);
    },
  );

  it.runIf(available)('never loses or reorders changes written concurrently', async () => {
    const { cursor: start } = await alertsChangedSince(db(), 0);
    const writers = Array.from({ length: 8 }, (_, w) =>
      (async () => {
        for (let i = 0; i < 10; i++) {
          const r = await upsertAlerts(
            db(),
            [firing({ alertname: 'Concurrent', writer: String(w), i: String(i) })],
            T0,
          );
          // Written together with other writers' deliveries, each caller still gets its own answer.
          expect(r.alerts.map((a) => a.change)).toEqual(['triggered']);
        }
      })(),
    );
    // A reader follows the feed while the writers run; it must see all 80 exactly once.
    const seen = new Set<string>();
    let cursor = start;
    let done = false;
    const all = Promise.all(writers).then(() => {
      done = true;
    });
    while (!done || seen.size < 80) {
      // Whether every writer had finished before this read: only then is an empty page the end.
      const finished = done;
      const page = await alertsChangedSince(db(), cursor, 7);
      for (const a of page.alerts) {
        expect(seen.has(a.id)).toBe(false);
        seen.add(a.id);
      }
      cursor = page.cursor;
      if (finished && page.alerts.length === 0) break;
    }
    await all;
    expect(seen.size).toBe(80);
    const events = await alertEventsSince(db(), start, 1000);
    expect(events.events.map((e) => e.seq)).toEqual(Array.from({ length: 80 }, (_, i) => start + 1 + i));
  });

  it.runIf(available)('fails only the delivery that cannot be stored when written together', async () => {
    const results = await Promise.allSettled(
      ['G1', 'G2', 'G3', 'G4', 'G5'].map((alertname) =>
        upsertAlerts(
          db(),
          [
            firing(
              { alertname },
              alertname === 'G2' ? { source: 'generic', integrationId: 'no-such-integration' } : {},
            ),
          ],
          T0,
        ),
      ),
    );
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
      'fulfilled',
    ]);
    const stored = await db()
      .selectFrom('alerts')
      .select('labels')
      .where('labels', 'like', '{"alertname":"G%')
      .orderBy('labels')
      .execute();
    expect(stored.map((r) => JSON.parse(r.labels).alertname)).toEqual(['G1', 'G3', 'G4', 'G5']);
  });

  it.runIf(available)(
    'writes nothing for a repeat within a minute, and only the receipt time after',
    async () => {
      const labels = { alertname: 'Repeat' };
      await upsertAlerts(db(), [firing(labels)], T0);
      const before = await row((await upsertAlerts(db(), [firing(labels)], T0)).alerts[0]!.fingerprint);
      await upsertAlerts(db(), [firing(labels)], T0 + 30_000);
      expect(await row(before.fingerprint)).toEqual(before);
      await upsertAlerts(db(), [firing(labels)], T0 + 2 * MIN);
      const after = await row(before.fingerprint);
      expect(after).toEqual({ ...before, last_received_at: T0 + 2 * MIN });
    },
  );

  it.runIf(available)(
    'auto-resolves alerts nobody re-sent within the timeout, and an explicit endsAt',
    async () => {
      const stale = firing({ alertname: 'Stale' });
      const expiring = firing({ alertname: 'Expiring' }, { endsAt: T0 + 10 * MIN });
      const fresh = firing({ alertname: 'Fresh' });
      const [s, e, f] = (await upsertAlerts(db(), [stale, expiring, fresh], T0)).alerts.map(
        (a) => a.fingerprint,
      );
      await upsertAlerts(db(), [fresh], T0 + 50 * MIN);
      expect(await sweepStaleAlerts(db(), T0 + 5 * MIN, 60)).toBe(0);
      // The explicit endsAt passes first.
      expect(await sweepStaleAlerts(db(), T0 + 11 * MIN, 60)).toBe(1);
      expect(await row(e!)).toMatchObject({
        status: 'resolved',
        resolution: 'auto-resolved',
        ends_at: T0 + 10 * MIN,
      });
      expect(await sweepStaleAlerts(db(), T0 + 61 * MIN, 60)).toBeGreaterThanOrEqual(1);
      expect(await row(s!)).toMatchObject({
        status: 'resolved',
        resolution: 'auto-resolved',
        ends_at: T0 + 61 * MIN,
      });
      expect(await row(f!)).toMatchObject({ status: 'firing' });
      // A timeout of 0 means never.
      expect(await sweepStaleAlerts(db(), T0 + 1000 * MIN, 0)).toBe(0);
      expect(await row(f!)).toMatchObject({ status: 'firing' });
      // Sent again after being auto-resolved: it still fires, so it is triggered again.
      const again = await upsertAlerts(db(), [stale], T0 + 70 * MIN);
      expect(again.alerts[0]!.change).toBe('triggered');
      const events = await db()
        .selectFrom('alert_events')
        .innerJoin('alerts', 'alerts.id', 'alert_events.alert_id')
        .select(['alert_events.kind', 'alert_events.detail'])
        .where('alerts.fingerprint', '=', s!)
        .orderBy('alert_events.seq')
        .execute();
      expect(events.map((x) => [x.kind, JSON.parse(x.detail).reason])).toEqual([
        ['triggered', undefined],
        ['auto-resolved', 'timeout'],
        ['triggered', undefined],
      ]);
    },
  );

  it.runIf(available)('uses the integration’s own timeout over the default', async () => {
    await db()
      .insertInto('integrations')
      .values({
        id: 'int-1',
        type: 'generic',
        name: 'short',
        team_id: null,
        secret_hash: 'h'.repeat(64),
        prefix: 'hri_',
        resolve_timeout_minutes: 5,
        created_at: T0,
        created_by: 'test',
        last_received_at: null,
        revoked_at: null,
      })
      .execute();
    const [fp] = (
      await upsertAlerts(
        db(),
        [firing({ alertname: 'Short' }, { source: 'generic', integrationId: 'int-1' })],
        T0,
      )
    ).alerts.map((a) => a.fingerprint);
    expect(await sweepStaleAlerts(db(), T0 + 4 * MIN, 1500)).toBe(0);
    await sweepStaleAlerts(db(), T0 + 6 * MIN, 1500);
    expect(await row(fp!)).toMatchObject({ status: 'resolved', resolution: 'auto-resolved' });
  });
});

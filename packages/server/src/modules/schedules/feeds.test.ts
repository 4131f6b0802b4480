import { createHash } from 'node:crypto';
import type { FeedCreated, FinalSchedule } from '@headroom/core/api/schedule';
import { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test-support/app.js';
import { dropCreatedDatabases, supportedDatabases } from '../../test-support/databases.js';
import { FEED_AHEAD_MS, FEED_PAST_MS, scheduleFeedCalendar } from './feeds.js';

afterAll(dropCreatedDatabases);

const H = 3_600_000;
const DAY = 24 * H;

const PRIMARY = `apiVersion: headroom.dev/v1
kind: Schedule
metadata:
  name: payments-primary
  displayName: Payments primary
spec:
  owner: payments
  timeZone: Europe/Berlin
  layers:
    - name: daily
      users: [alice, bob, carol]
      shiftLength: 1d
      handoffTime: "09:00"
      start: 2024-03-01
    - name: office-hours
      users: [dave]
      shiftLength: 1w
      handoffTime: "09:00"
      start: 2024-03-04
      restrictions:
        - { type: daily, days: [mon, tue, wed, thu, fri], from: "12:00", to: "13:00" }
`;

// ---- a small RFC 5545 reader, enough to check what calendar apps will see

interface Property {
  name: string;
  params: Record<string, string>;
  value: string;
}
interface VEvent {
  uid: string;
  start: number;
  end: number;
  summary: string;
  description: string;
  transp: string | undefined;
}

/** Unfolds lines (a line starting with a space or tab continues the previous one, RFC 5545 §3.1). */
function contentLines(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/\r\n/)) {
    if (raw === '') continue;
    if ((raw.startsWith(' ') || raw.startsWith('\t')) && out.length > 0) out[out.length - 1] += raw.slice(1);
    else out.push(raw);
  }
  return out;
}

function property(line: string): Property {
  const colon = line.indexOf(':');
  const [name, ...params] = line.slice(0, colon).split(';');
  return {
    name: name!.toUpperCase(),
    params: Object.fromEntries(params.map((p) => p.split('=') as [string, string])),
    value: line.slice(colon + 1),
  };
}

/** DTSTART/DTEND in UTC (`…Z`) or local with TZID. */
function dateTime(p: Property): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)$/.exec(p.value);
  if (!m) throw new Error(`not a DATE-TIME: ${p.value}`);
  const local = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}`;
  if (m[7] === 'Z') return Date.parse(`${local}Z`);
  if (!p.params.TZID) throw new Error(`floating time ${p.value}: a calendar app would guess the zone`);
  return Temporal.PlainDateTime.from(local).toZonedDateTime(p.params.TZID).epochMilliseconds;
}

const unescapeText = (v: string) => v.replace(/\\n/gi, '\n').replace(/\\([,;\\])/g, '$1');

function parseCalendar(text: string): { props: Property[]; events: VEvent[] } {
  const lines = contentLines(text);
  expect(lines[0]).toBe('BEGIN:VCALENDAR');
  expect(lines.at(-1)).toBe('END:VCALENDAR');
  for (const raw of text.split('\r\n')) expect(Buffer.byteLength(raw)).toBeLessThanOrEqual(75);
  const props: Property[] = [];
  const events: VEvent[] = [];
  let current: Property[] | null = null;
  for (const line of lines.slice(1, -1)) {
    const p = property(line);
    if (p.name === 'BEGIN' && p.value === 'VEVENT') {
      expect(current).toBeNull();
      current = [];
    } else if (p.name === 'END' && p.value === 'VEVENT') {
      const get = (n: string) => current!.find((x) => x.name === n);
      expect(get('UID'), 'UID').toBeDefined();
      expect(get('DTSTAMP'), 'DTSTAMP').toBeDefined();
      events.push({
        uid: get('UID')!.value,
        start: dateTime(get('DTSTART')!),
        end: dateTime(get('DTEND')!),
        summary: unescapeText(get('SUMMARY')?.value ?? ''),
        description: unescapeText(get('DESCRIPTION')?.value ?? ''),
        transp: get('TRANSP')?.value,
      });
      current = null;
    } else if (current) current.push(p);
    else props.push(p);
  }
  expect(current).toBeNull();
  return { props, events };
}

describe.each(supportedDatabases())('iCalendar feeds on $name', ({ name, available }) => {
  let t: TestApp;
  let payEditor: { authorization: string };
  let searchEditor: { authorization: string };
  let viewer: { authorization: string };
  let bob: { authorization: string };
  const post = (url: string, payload: object | undefined, headers = t.admin) =>
    t.app.inject({ method: 'POST', url: `/api/v1${url}`, headers, ...(payload && { payload }) });
  const del = (url: string, headers = t.admin) =>
    t.app.inject({ method: 'DELETE', url: `/api/v1${url}`, headers });
  const fetchFeed = (url: string) => t.app.inject({ method: 'GET', url: new URL(url).pathname });
  const iso = (ms: number) => new Date(ms).toISOString();

  /** The final schedule's on-call pieces the feed should show at about `now`. */
  async function expectedPieces(now: number, user?: string) {
    const from = now - FEED_PAST_MS - 35 * DAY;
    const to = now + FEED_AHEAD_MS + 35 * DAY;
    const r = await t.app.inject({
      method: 'GET',
      url: `/api/v1/schedules/payments-primary/final?from=${iso(from)}&to=${iso(to)}`,
      headers: t.admin,
    });
    expect(r.statusCode, r.body).toBe(200);
    return (r.json() as FinalSchedule).entries
      .filter((e) => e.user !== null && (user === undefined || e.user === user))
      .map((e) => ({ start: Date.parse(e.start), end: Date.parse(e.end), user: e.user! }))
      .filter((e) => e.end > now - FEED_PAST_MS && e.start < now + FEED_AHEAD_MS);
  }

  beforeAll(async () => {
    if (!available) return;
    t = await startTestApp(name);
    for (const team of ['payments', 'search'])
      expect((await post('/teams', { name: team })).statusCode).toBe(201);
    for (const user of ['alice', 'carol', 'dave'])
      expect((await post('/users', { name: user, teams: ['payments'] })).statusCode).toBe(201);
    bob = await t.userWithToken('bob', 'editor', ['payments']);
    payEditor = await t.userWithToken('pat', 'editor', ['payments']);
    searchEditor = await t.userWithToken('sam', 'editor', ['search']);
    viewer = await t.userWithToken('vic', 'viewer', ['payments']);
    const r = await post('/apply', { files: [{ path: 'primary.yaml', content: PRIMARY }] });
    expect(r.statusCode, r.body).toBe(200);
  });
  afterAll(async () => {
    if (available) await t.close();
  });

  let feed: FeedCreated;

  it.runIf(available)(
    'a schedule feed holds exactly the final schedule’s on-call pieces, with stable UIDs',
    async () => {
      expect((await post('/schedules/payments-primary/feed', undefined, viewer)).statusCode).toBe(403);
      expect((await post('/schedules/payments-primary/feed', undefined, searchEditor)).statusCode).toBe(403);
      expect((await post('/schedules/nothing/feed', undefined)).statusCode).toBe(404);
      const created = await post('/schedules/payments-primary/feed', undefined, payEditor);
      expect(created.statusCode, created.body).toBe(201);
      feed = created.json();
      expect(feed).toMatchObject({ kind: 'schedule', target: 'payments-primary', rotated: false });
      expect(feed.url).toMatch(/^http:\/\/localhost(:\d+)?\/ical\/schedules\/hrcal_[A-Za-z0-9_-]{43}\.ics$/);

      const now = Date.now();
      const r = await fetchFeed(feed.url);
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toBe('text/calendar; charset=utf-8');
      const { props, events } = parseCalendar(r.body);
      expect(props.find((p) => p.name === 'VERSION')?.value).toBe('2.0');
      expect(props.find((p) => p.name === 'X-WR-CALNAME')?.value).toBe('Payments primary on call');
      const expected = await expectedPieces(now);
      expect(events.map((e) => [e.start, e.end])).toEqual(expected.map((e) => [e.start, e.end]));
      for (const [i, e] of events.entries()) {
        expect(e.summary).toBe(`On call: ${expected[i]!.user} (Payments primary)`);
        expect(e.transp).toBe('TRANSPARENT');
        if (i > 0) expect(e.start).toBeGreaterThanOrEqual(events[i - 1]!.end);
      }
      expect(new Set(events.map((e) => e.uid)).size).toBe(events.length);
      // 120 days of daily shifts cut by weekday lunch hours.
      expect(events.length).toBeGreaterThan(150);

      // Tomorrow the window has moved a day; every event still there has the same UID and times.
      const later = parseCalendar((await scheduleFeedCalendar(t.database.db, feed.token, now + DAY))!).events;
      const byUid = new Map(events.map((e) => [e.uid, e]));
      const kept = later.filter((e) => byUid.has(e.uid));
      expect(kept.length).toBeGreaterThan(events.length - 10);
      for (const e of kept)
        expect([e.start, e.end]).toEqual([byUid.get(e.uid)!.start, byUid.get(e.uid)!.end]);
    },
  );

  it.runIf(available)('an override updates the shift’s event in place and adds its own', async () => {
    const before = parseCalendar((await fetchFeed(feed.url)).body).events;
    // Next Saturday 09:00 Berlin (a day without lunch-hour cuts), for two hours.
    const berlinNow = Temporal.Now.zonedDateTimeISO('Europe/Berlin');
    const saturday = berlinNow
      .toPlainDate()
      .add({ days: ((6 - berlinNow.dayOfWeek + 7) % 7) + 7 })
      .toPlainDateTime(Temporal.PlainTime.from('09:00'))
      .toZonedDateTime('Europe/Berlin').epochMilliseconds;
    const shift = before.find((e) => e.start === saturday)!;
    expect(shift).toBeDefined();
    const o = await post(
      '/schedules/payments-primary/overrides',
      { user: 'dave', start: iso(saturday), end: iso(saturday + 2 * H) },
      payEditor,
    );
    expect(o.statusCode, o.body).toBe(201);

    const after = parseCalendar((await fetchFeed(feed.url)).body).events;
    const moved = after.find((e) => e.uid === shift.uid)!;
    expect([moved.start, moved.end]).toEqual([saturday + 2 * H, shift.end]);
    const added = after.filter((e) => !before.some((b) => b.uid === e.uid));
    expect(added.map((e) => [e.start, e.end, e.summary])).toEqual([
      [saturday, saturday + 2 * H, 'On call: dave (Payments primary)'],
    ]);
    expect(added[0]!.uid).toContain(o.json().id);
    expect(after).toHaveLength(before.length + 1);
  });

  it.runIf(available)(
    'across the spring change the events keep their wall-clock hand-offs (a fixed clock)',
    async () => {
      const events = parseCalendar(
        (await scheduleFeedCalendar(t.database.db, feed.token, Date.parse('2024-03-25T12:00:00Z')))!,
      ).events;
      const berlin = (ms: number) =>
        Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO('Europe/Berlin');
      const around = events.filter(
        (e) => e.start >= Date.parse('2024-03-28T00:00:00Z') && e.end <= Date.parse('2024-04-03T00:00:00Z'),
      );
      expect(around.length).toBeGreaterThan(6);
      for (const e of around)
        expect(['09:00', '12:00', '13:00']).toContain(berlin(e.start).toPlainTime().toString().slice(0, 5));
      const saturday = around.find((e) => berlin(e.start).toPlainDate().toString() === '2024-03-30')!;
      expect([saturday.start, saturday.end]).toEqual([
        Date.parse('2024-03-30T08:00:00Z'),
        Date.parse('2024-03-31T07:00:00Z'),
      ]);
      expect(saturday.summary).toBe('On call: carol (Payments primary)');
      expect((saturday.end - saturday.start) / H).toBe(23);
    },
  );

  it.runIf(available)(
    'person feeds hold one person’s shifts; only they or an admin manage them',
    async () => {
      expect((await post('/oncall/feed?user=alice', undefined, bob)).statusCode).toBe(403);
      expect((await post('/oncall/feed?user=nobody', undefined)).statusCode).toBe(404);
      const own = await post('/oncall/feed', undefined, bob);
      expect(own.statusCode, own.body).toBe(201);
      expect(own.json()).toMatchObject({ kind: 'user', target: 'bob' });
      expect(own.json().url).toMatch(/\/ical\/users\/hrcal_[A-Za-z0-9_-]{43}\.ics$/);

      const alice = (await post('/oncall/feed?user=alice', undefined)).json() as FeedCreated;
      const now = Date.now();
      const { events } = parseCalendar((await fetchFeed(alice.url)).body);
      const expected = await expectedPieces(now, 'alice');
      expect(events.map((e) => [e.start, e.end])).toEqual(expected.map((e) => [e.start, e.end]));
      for (const e of events) expect(e.summary).toBe('On call: Payments primary');
      expect(events.length).toBeGreaterThan(30);
      expect((await del('/oncall/feed', bob)).statusCode).toBe(204);
      expect((await fetchFeed(own.json().url)).statusCode).toBe(404);
      expect((await del('/oncall/feed?user=alice', bob)).statusCode).toBe(403);
    },
  );

  it.runIf(available)(
    'rotating and revoking end the old URL; unknown tokens are 404; only a hash is stored',
    async () => {
      const rotated = await post('/schedules/payments-primary/feed', undefined, payEditor);
      expect(rotated.json()).toMatchObject({ rotated: true });
      expect((await fetchFeed(feed.url)).statusCode).toBe(404);
      const fresh = rotated.json() as FeedCreated;
      expect((await fetchFeed(fresh.url)).statusCode).toBe(200);

      const rows = await t.database.db.selectFrom('ical_feeds').selectAll().execute();
      expect(rows.some((r) => r.token_hash === fresh.token)).toBe(false);
      expect(rows.some((r) => r.token_hash === createHash('sha256').update(fresh.token).digest('hex'))).toBe(
        true,
      );
      const audit = await t.database.db
        .selectFrom('audit_log')
        .select(['action', 'target_ref', 'detail'])
        .where('action', 'like', 'feed.%')
        .orderBy('id')
        .execute();
      expect(audit.map((a) => [a.action, a.target_ref])).toEqual([
        ['feed.create', 'schedule:default/payments-primary'],
        ['feed.create', 'user:default/bob'],
        ['feed.create', 'user:default/alice'],
        ['feed.revoke', 'user:default/bob'],
        ['feed.rotate', 'schedule:default/payments-primary'],
      ]);
      for (const a of audit) expect(a.detail).not.toContain('hrcal_');

      expect(
        (await t.app.inject({ method: 'GET', url: '/ical/schedules/hrcal_unknown.ics' })).statusCode,
      ).toBe(404);
      expect(
        (await t.app.inject({ method: 'GET', url: `${new URL(fresh.url).pathname.slice(0, -4)}.txt` }))
          .statusCode,
      ).toBe(404);
      expect((await fetchFeed(fresh.url.replace('/schedules/', '/users/'))).statusCode).toBe(404);

      expect((await del('/schedules/payments-primary/feed', searchEditor)).statusCode).toBe(403);
      expect((await del('/schedules/payments-primary/feed', payEditor)).statusCode).toBe(204);
      expect((await fetchFeed(fresh.url)).statusCode).toBe(404);
      const again = await del('/schedules/payments-primary/feed', payEditor);
      expect([again.statusCode, again.json().code]).toEqual([404, 'FEED_NOT_FOUND']);

      // Pruned with its schedule.
      const last = (
        await post('/schedules/payments-primary/feed', undefined, payEditor)
      ).json() as FeedCreated;
      expect((await fetchFeed(last.url)).statusCode).toBe(200);
      const group =
        'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: other\nspec:\n  type: team\n  children: []\n';
      const pruned = await post('/apply', { files: [{ path: 'other.yaml', content: group }], prune: true });
      expect(pruned.statusCode, pruned.body).toBe(200);
      expect(pruned.json().items).toContainEqual(
        expect.objectContaining({ action: 'delete', ref: 'schedule:default/payments-primary' }),
      );
      expect((await fetchFeed(last.url)).statusCode).toBe(404);
    },
  );
});

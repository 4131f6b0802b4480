/**
 * Surveys end to end on both databases: create (and refuse bad input), send a round whose
 * invitations go through the outbox to a real SMTP server, open the link from the mail with a
 * plain HTTP client (form, answer, replace), answer in the UI, forged and expired links, results
 * checked against a hand calculation with the anonymity threshold, and scheduled rounds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test-support/app.js';
import { dropCreatedDatabases, supportedDatabases } from '../../test-support/databases.js';
import { type SmtpReceiver, startSmtpReceiver } from '../../test-support/notifications.js';
import { outboundPolicy, startDispatcher } from '../notifications/index.js';
import { notificationSettingsFromEnv } from '../notifications/settings.js';
import { activeKeyId } from '../secrets/key-store.js';
import { runSurveySchedule } from './job.js';
import { signSurveyToken } from './survey-token.js';

afterAll(dropCreatedDatabases);

const WEEK = 7 * 86_400_000;

// Who is in which team; hal has no e-mail address, kim no team.
const PEOPLE: [string, string | null, string[]][] = [
  ['alice', 'alice@example.com', ['payments']],
  ['bob', 'bob@example.com', ['payments']],
  ['carol', 'carol@example.com', ['payments']],
  ['dave', 'dave@example.com', ['search']],
  ['erin', 'erin@example.com', ['search']],
  ['frank', 'frank@example.com', ['search']],
  ['gina', 'gina@example.com', ['ops']],
  ['hal', null, ['ops']],
  ['kim', 'kim@example.com', []],
];

describe.each(supportedDatabases())('surveys on $name', ({ name, available }) => {
  let t: TestApp;
  let smtp: SmtpReceiver;
  let base = '';
  const tokens = new Map<string, { authorization: string }>();
  type Method = 'GET' | 'POST';
  const api = (method: Method, url: string, payload?: object, headers = t.admin) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers, ...(payload && { payload }) });
  const as = (user: string) => tokens.get(user)!;
  const deliver = () =>
    startDispatcher(t.database, {
      settings: {
        ...notificationSettingsFromEnv({}),
        smtpUrl: `smtp://mailer:secret@127.0.0.1:${smtp.port}`,
        smtpFrom: 'headroom@example.com',
      },
      policy: outboundPolicy(['loopback']),
      timer: false,
    }).tick();
  const linkOf = (to: string) => {
    const mail = smtp.mails.find((m) => m.to[0] === to);
    const raw = mail!.raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    return new RegExp(`${base.replace(/[.]/g, '\\.')}/s/([A-Za-z0-9._%-]+)`).exec(raw)![0];
  };
  const postForm = (url: string, fields: Record<string, string>) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });

  beforeAll(async () => {
    if (!available) return;
    smtp = await startSmtpReceiver({ user: 'mailer', pass: 'secret' });
    t = await startTestApp(name, { outboundAllow: ['loopback'] });
    base = (await t.app.listen({ host: '127.0.0.1', port: 0 })).replace(/\/$/, '');
    for (const team of ['payments', 'search', 'ops'])
      expect((await api('POST', '/teams', { name: team })).statusCode).toBe(201);
    for (const [user, email, teams] of PEOPLE) {
      const r = await api('POST', '/users', { name: user, role: 'viewer', teams, ...(email && { email }) });
      expect(r.statusCode, r.body).toBe(201);
      const tok = await api('POST', '/tokens', { name: 'test', user });
      tokens.set(user, { authorization: `Bearer ${tok.json().token}` });
    }
    tokens.set('sre', await t.userWithToken('sre', 'editor'));
  });
  afterAll(async () => {
    if (!available) return;
    await t.close();
    await smtp.close();
  });

  const PULSE = {
    name: 'q4-pulse',
    title: 'Q4 platform pulse',
    questions: { nps: true, csat: true },
    capabilities: ['slos', 'alerting'],
    audience: { kind: 'all' },
  };

  it.runIf(available)('refuses bad surveys, naming the field', async () => {
    const none = await api('POST', '/surveys', { ...PULSE, questions: { nps: false, csat: false } });
    expect(none.statusCode).toBe(400);
    expect(none.json().code).toBe('SURVEY_WITHOUT_QUESTIONS');
    const team = await api('POST', '/surveys', {
      ...PULSE,
      audience: { kind: 'teams', teams: ['ops', 'nope'] },
    });
    expect(team.statusCode).toBe(400);
    expect(team.json()).toMatchObject({ code: 'UNKNOWN_TEAM', errors: [{ path: '/audience/teams/1' }] });
    const cap = await api('POST', '/surveys', { ...PULSE, capabilities: ['slos', 'coffee'] });
    expect(cap.statusCode).toBe(400);
    expect(cap.json().detail).toContain('capabilities');
    const viewer = await api('POST', '/surveys', PULSE, as('alice'));
    expect(viewer.statusCode).toBe(403);
    expect((await api('GET', '/surveys')).json()).toEqual([]);
  });

  it.runIf(available)(
    'sends a round by e-mail; the link in the mail shows a form and records (and replaces) an answer',
    async () => {
      const created = await api('POST', '/surveys', PULSE, as('sre'));
      expect(created.statusCode, created.body).toBe(201);
      expect(created.json()).toMatchObject({ id: 'SRV-1', rounds: 0, lastRound: null, scheduleWeeks: null });
      expect((await api('POST', '/surveys', PULSE)).json().code).toBe('SURVEY_EXISTS');

      // Sent over real HTTP, so the links point at the address this server listens on.
      const sent = await fetch(`${base}/api/v1/surveys/SRV-1/send`, { method: 'POST', headers: as('sre') });
      expect(sent.status).toBe(201);
      const round = (await sent.json()) as {
        round: { invited: number; mailed: number };
        withoutEmail: string[];
      };
      // Every user: the nine people, sre and the bootstrap admin; hal, sre and admin have no address.
      expect(round.round).toMatchObject({ number: 1, invited: 11, mailed: 8, responded: 0 });
      expect(round.withoutEmail.sort()).toEqual(['admin', 'hal', 'sre']);
      const outbox = await t.database.db
        .selectFrom('notifications')
        .select(['channel', 'idempotency_key'])
        .where('idempotency_key', 'like', 'survey:%')
        .orderBy('idempotency_key')
        .execute();
      expect(outbox).toHaveLength(8);
      expect(outbox[0]).toEqual({
        channel: 'mailto:alice@example.com',
        idempotency_key: 'survey:SRV-1:1:alice',
      });

      expect(await deliver()).toMatchObject({ delivered: 8, dead: 0 });
      expect(smtp.mails.map((m) => m.to[0]).sort()).toEqual(
        PEOPLE.filter(([, e]) => e)
          .map(([, e]) => e)
          .sort(),
      );
      const link = linkOf('alice@example.com');

      // A plain HTTP client, no login: the form.
      const page = await fetch(link);
      expect(page.status).toBe(200);
      const form = await page.text();
      expect(form).toContain('<form method="post">');
      expect(form).toContain('How likely are you to recommend SLOs and error budgets to a colleague?');
      expect(form).toContain('name="csat:alerting"');

      const empty = await postForm(link, {});
      expect(empty.status).toBe(400);
      expect(await empty.text()).toContain('Answer at least one question.');

      const first = await postForm(link, { 'nps:slos': '0', 'csat:slos': '1', 'comment:slos': 'flaky' });
      expect(first.status).toBe(200);
      expect(await first.text()).toContain('is recorded');
      const again = await postForm(link, {
        'nps:slos': '10',
        'csat:slos': '5',
        'comment:slos': 'Budgets made our planning honest',
        'nps:alerting': '7',
      });
      expect(again.status).toBe(200);
      expect(await again.text()).toContain('replacing the one you gave before');
      const stored = await t.database.db
        .selectFrom('survey_responses')
        .select(['capability', 'nps', 'csat', 'team'])
        .orderBy('capability')
        .execute();
      expect(
        stored.map((r) => [r.capability, Number(r.nps), r.csat === null ? null : Number(r.csat), r.team]),
      ).toEqual([
        ['alerting', 7, null, 'payments'],
        ['slos', 10, 5, 'payments'],
      ]);
    },
  );

  it.runIf(available)('refuses forged and expired links with 403 and 410', async () => {
    const link = linkOf('bob@example.com');
    const forged = link.slice(0, -2) + (link.endsWith('AA') ? 'BB' : 'AA');
    const f = await fetch(forged);
    expect(f.status).toBe(403);
    expect(await f.text()).toContain('not valid');
    expect((await postForm(forged, { 'nps:slos': '0' })).status).toBe(403);

    const invitation = await t.database.db
      .selectFrom('survey_invitations')
      .select('id')
      .where('user_name', '=', 'bob')
      .executeTakeFirstOrThrow();
    const keyId = await activeKeyId(t.database.db);
    const expired = signSurveyToken(keyId, { invitationId: invitation.id, expiresAt: Date.now() - 1000 });
    const e = await fetch(`${base}/s/${expired}`);
    expect(e.status).toBe(410);
    expect((await postForm(`${base}/s/${expired}`, { 'nps:slos': '0' })).status).toBe(410);
    // Nothing of bob's was recorded.
    const bobs = await t.database.db
      .selectFrom('survey_invitations')
      .select('answered_at')
      .where('id', '=', invitation.id)
      .executeTakeFirstOrThrow();
    expect(bobs.answered_at).toBeNull();
  });

  it.runIf(available)('answers in the UI and refuses answers the survey does not ask', async () => {
    const pending = await api('GET', '/surveys/pending', undefined, as('bob'));
    expect(pending.json()).toEqual([
      expect.objectContaining({
        survey: 'SRV-1',
        round: 1,
        answered: false,
        capabilities: expect.any(Array),
      }),
    ]);
    const wrong = await api(
      'POST',
      '/surveys/SRV-1/responses',
      { answers: [{ capability: 'capacity', nps: 9 }] },
      as('bob'),
    );
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().errors[0].path).toBe('/answers/0/capability');
    const bad = await api(
      'POST',
      '/surveys/SRV-1/responses',
      { answers: [{ capability: 'slos', nps: 11 }] },
      as('bob'),
    );
    expect(bad.statusCode).toBe(400);
    const nothing = await api(
      'POST',
      '/surveys/SRV-1/responses',
      { answers: [{ capability: 'slos' }] },
      as('bob'),
    );
    expect(nothing.statusCode).toBe(400);

    // The fixture of the hand calculation (slos): alice answered 10/5 by link above.
    const slos: [string, number, number | null][] = [
      ['bob', 9, 4],
      ['carol', 6, 2],
      ['dave', 8, 3],
      ['erin', 10, 5],
      ['frank', 3, 1],
      ['gina', 2, 1],
      ['hal', 9, 5],
      ['kim', 10, null],
    ];
    for (const [user, nps, csat] of slos) {
      const r = await api(
        'POST',
        '/surveys/q4-pulse/responses',
        { answers: [{ capability: 'slos', nps, csat }] },
        as(user),
      );
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json()).toMatchObject({ survey: 'SRV-1', round: 1, answers: 1, replaced: false });
    }
    expect((await api('GET', '/surveys/pending', undefined, as('bob'))).json()[0].answered).toBe(true);
    // Someone the round was not sent to (created after it).
    const zed = await t.userWithToken('zed', 'viewer');
    const notInvited = await api(
      'POST',
      '/surveys/SRV-1/responses',
      { answers: [{ capability: 'slos', nps: 9 }] },
      zed,
    );
    expect(notInvited.statusCode).toBe(404);
    expect(notInvited.json().code).toBe('SURVEY_NOT_INVITED');
  });

  it.runIf(available)(
    'gives results as the hand calculation says, withholding a team with 2 answers',
    async () => {
      const r = await api('GET', '/surveys/SRV-1/results');
      expect(r.statusCode, r.body).toBe(200);
      const body = r.json();
      expect(body.formulas.nps).toContain('% promoters (answers 9–10) − % detractors (answers 0–6)');
      expect(body.rounds).toHaveLength(1);
      // 11 invited, 9 answered (everyone but sre and admin).
      expect(body.rounds[0]).toMatchObject({ number: 1, invited: 11, responded: 9, responseRate: 81.8 });
      const [slos, alerting] = body.rounds[0].capabilities;
      // NPS: promoters alice 10, bob 9, erin 10, hal 9, kim 10 = 5; passive dave 8; detractors carol 6,
      // frank 3, gina 2 = 3 → (5 − 3) / 9 = 22.2. CSAT: 8 answers, 4 of them 4–5 → 50 %; mean 26 / 8 = 3.25.
      expect(slos).toMatchObject({
        capability: 'slos',
        respondents: 9,
        shown: true,
        nps: { answers: 9, promoters: 5, passives: 1, detractors: 3, score: 22.2 },
        csat: { answers: 8, satisfied: 4, score: 50, mean: 3.25 },
        comments: ['Budgets made our planning honest'],
      });
      // ops has 2 answers: withheld; the rest outside the rows shown is ops (2) + kim (1) = 3.
      expect(slos.teams).toEqual([
        { team: 'ops', withheld: true, reason: 'fewer than 3 answers' },
        expect.objectContaining({
          team: 'payments',
          withheld: false,
          respondents: 3,
          nps: expect.objectContaining({ score: 33.3 }),
          csat: expect.objectContaining({ score: 66.7, mean: 3.67 }),
        }),
        expect.objectContaining({
          team: 'search',
          withheld: false,
          respondents: 3,
          nps: expect.objectContaining({ score: 0 }),
          csat: expect.objectContaining({ score: 33.3, mean: 3 }),
        }),
      ]);
      // One answer for alerting: counts only.
      expect(alerting).toMatchObject({
        respondents: 1,
        shown: false,
        nps: { answers: 1, score: null },
        comments: [],
      });
      expect(alerting.teams).toEqual([{ team: 'payments', withheld: true, reason: 'fewer than 3 answers' }]);
      // Nobody's name is in the results.
      for (const [user] of PEOPLE) expect(r.body).not.toContain(`"${user}"`);

      const list = (await api('GET', '/surveys?capability=slos')).json();
      expect(list).toHaveLength(1);
      expect(list[0]).toMatchObject({ id: 'SRV-1', rounds: 1, responseRate: 81.8 });
      expect((await api('GET', '/surveys?capability=capacity')).json()).toEqual([]);
      const audit = (await api('GET', '/audit?targetKind=survey&limit=100')).body;
      expect(audit).toContain('survey.respond');
      expect(audit).toContain('survey respondent');
    },
  );

  it.runIf(available)('sends scheduled rounds once when due, also from two ticks at once', async () => {
    const created = await api(
      'POST',
      '/surveys',
      {
        name: 'ops-weekly',
        title: 'On-call weekly',
        questions: { nps: false, csat: true },
        capabilities: ['on-call'],
        audience: { kind: 'teams', teams: ['ops'] },
        scheduleWeeks: 2,
      },
      as('sre'),
    );
    expect(created.statusCode, created.body).toBe(201);
    const T0 = Date.parse(created.json().createdAt);
    expect(Date.parse(created.json().nextRoundAt)).toBe(T0 + 2 * WEEK);
    const run = (now: number) =>
      runSurveySchedule(t.database.db, now, { externalUrl: 'https://headroom.example.com' });
    expect(await run(T0 + 2 * WEEK - 1)).toEqual({ sent: 0, skipped: 0 });
    const both = await Promise.all([run(T0 + 2 * WEEK), run(T0 + 2 * WEEK)]);
    expect(both[0].sent + both[1].sent).toBe(1);
    // Down for five weeks: one round, and the next one in the future.
    expect((await run(T0 + 9 * WEEK)).sent).toBe(1);
    expect((await run(T0 + 9 * WEEK)).sent).toBe(0);
    const survey = (await api('GET', '/surveys/ops-weekly')).json();
    expect(survey).toMatchObject({
      rounds: 2,
      lastRound: { number: 2, invited: 2, mailed: 1, startedBy: 'schedule' },
    });
    expect(Date.parse(survey.nextRoundAt)).toBe(T0 + 10 * WEEK);
    const keys = await t.database.db
      .selectFrom('notifications')
      .select('idempotency_key')
      .where('idempotency_key', 'like', 'survey:SRV-2:%')
      .orderBy('idempotency_key')
      .execute();
    expect(keys.map((k) => k.idempotency_key)).toEqual(['survey:SRV-2:1:gina', 'survey:SRV-2:2:gina']);
  });
});

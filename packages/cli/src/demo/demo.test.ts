/**
 * The demo end to end: a fresh data folder, a short history, the fault at once; everything is
 * checked through the public API, and the built-in receiver must get the page. Then the same
 * folder is started again and continues instead of loading twice.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeadroomClient } from '../client.js';
import { cli } from '../test-support/cli.js';
import { CAPACITY_HISTORY_DAYS, RUNNING_OUT } from './capacity.js';
import { FEEDBACK, INTERVIEWS, SURVEY_ANSWERS } from './discovery-data.js';
import { PAST_INCIDENT_TITLE } from './loader.js';
import { DEMO_ADMIN_TOKEN, type DemoHandle, runDemo } from './run.js';

const until = async <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
};

describe('headroom demo', () => {
  let dir: string;
  let demo: DemoHandle | undefined;
  let client: HeadroomClient;
  const lines: string[] = [];
  const env = { HEADROOM_EVALUATION_INTERVAL_SECONDS: '1', HEADROOM_LOG_LEVEL: 'error' };
  const start = (faultAfterMs: number | null) =>
    runDemo({ port: 0, dataDir: dir, faultAfterMs, historyMs: 2 * 86_400_000, tickMs: 1000 }, env, dir, (l) =>
      lines.push(l),
    );

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'headroom-demo-'));
    demo = await start(0);
    client = new HeadroomClient({ server: demo.url, token: DEMO_ADMIN_TOKEN });
  }, 60_000);

  afterAll(async () => {
    await demo?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('prints the URL and the login, and is ready quickly', () => {
    const text = lines.join('\n');
    expect(text).toContain(`Headroom demo is ready on ${demo!.url}`);
    expect(text).toContain(`API token:  ${DEMO_ADMIN_TOKEN}`);
    expect(text).toContain('password headroom-demo');
    expect(demo!.readyMs).toBeLessThan(30_000);
  });

  it('loads the organisation through the API: services, SLOs with a status, schedules, policies', async () => {
    const services = await client.services.list();
    expect(services.map((s) => s.name)).toEqual(
      expect.arrayContaining(['storefront', 'checkout', 'payments', 'cart', 'search', 'api-gateway']),
    );
    expect(services).toHaveLength(12);
    const deps = await client.services.dependencies('checkout', { direction: 'upstream' });
    expect(JSON.stringify(deps)).toContain('payments');
    const slos = await until(
      'every SLO evaluated',
      async () => {
        const list = await client.slos.list();
        return list.every((s) => s.status !== null && s.status.state !== 'no-data') ? list : undefined;
      },
      20_000,
    );
    expect(slos).toHaveLength(12);
    const methods = new Set(slos.map((s) => s.definition.budgetingMethod));
    expect([...methods].sort()).toEqual(['Occurrences', 'RatioTimeslices', 'Timeslices']);
    const schedules = await client.request<{ name: string }[]>('GET', '/schedules');
    expect(schedules.map((s) => s.name).sort()).toEqual([
      'commerce-primary',
      'commerce-secondary',
      'platform-primary',
    ]);
    const primary = await client.request<{ layers: unknown[]; overrides: unknown[] }>(
      'GET',
      '/schedules/commerce-primary',
    );
    expect(primary.layers).toHaveLength(2);
    expect(primary.overrides).toHaveLength(1);
    const policies = await client.request<{ name: string }[]>('GET', '/escalation-policies');
    expect(policies.map((p) => p.name).sort()).toEqual(['commerce-critical', 'platform-default']);
  });

  it('declares the past incident with its timeline, about ten days ago', async () => {
    const incidents = await client.request<{ id: string; title: string }[]>('GET', '/incidents');
    const past = incidents.find((i) => i.title === PAST_INCIDENT_TITLE);
    expect(past).toBeDefined();
    const detail = await client.request<{
      milestones: { impactStartedAt: string; mitigatedAt: string; resolvedAt: string };
      timeline: { kind: string }[];
      services: string[];
    }>('GET', `/incidents/${past!.id}`);
    const ago = Date.now() - Date.parse(detail.milestones.impactStartedAt);
    expect(ago).toBeGreaterThan(9 * 86_400_000);
    expect(ago).toBeLessThan(11 * 86_400_000);
    expect(detail.milestones.mitigatedAt).not.toBeNull();
    expect(detail.milestones.resolvedAt).not.toBeNull();
    expect(detail.services.sort()).toEqual(['checkout', 'payments']);
    expect(detail.timeline.filter((e) => e.kind === 'note').length).toBeGreaterThanOrEqual(3);
  });

  it('pages through the built-in receiver when the fault starts', async () => {
    const page = await until(
      'a checkout-latency notification',
      // The webhook page (the on-call's e-mail page for the same alert may land first).
      async () =>
        demo!.receiver.received.find(
          (n) => n.channel === 'commerce-pager' && JSON.stringify(n.body).includes('checkout-latency'),
        ),
      // Seconds on an idle machine; the full suite runs test files side by side on 2 cores.
      150_000,
    ).catch(async (error: Error) => {
      const slo = await client.slos.get('checkout-latency');
      throw new Error(
        `${error.message}; burn rates ${JSON.stringify(slo.status?.burnRates)}; output:\n${lines.join('\n')}`,
      );
    });
    expect(page.channel).toBe('commerce-pager');
    expect(page.line).toMatch(/^FIRING → commerce-pager: .*checkout-latency/);
    expect(lines.some((l) => l.includes('FAULT: checkout-latency degrades'))).toBe(true);
    // The receiver also serves what it got.
    const listed = (await (await fetch(demo!.receiver.url)).json()) as unknown[];
    expect(listed.length).toBeGreaterThan(0);
  }, 180_000);

  it('applies the release policy and records deployments, the past incident linked to its checkout release', async () => {
    const policy = await client.request<{ policies: string[]; rules: { warnBelow: number } | null }>(
      'GET',
      '/services/checkout/policy',
    );
    expect(policy.policies).toEqual(['tier-1-release-freeze']);
    expect(policy.rules?.warnBelow).toBe(0.25);
    const deployments = await client.request<
      { id: string; service: string; status: string; commitTime: string | null; incidents: string[] }[]
    >('GET', '/deployments', { query: { service: 'checkout', limit: 1000 } });
    // The rough month's three bad releases, rolled back (whatever the weekday of the short history).
    expect(deployments.filter((d) => d.status === 'rolled-back').length).toBeGreaterThanOrEqual(3);
    expect(deployments.every((d) => d.commitTime !== null)).toBe(true);
    const incidents = await client.request<{ id: string; title: string }[]>('GET', '/incidents');
    const past = incidents.find((i) => i.title === PAST_INCIDENT_TITLE)!;
    const linked = deployments.filter((d) => d.incidents.includes(past.id));
    expect(linked).toHaveLength(1);
    const links = await client.request<{ deployment: { id: string }; source: string }[]>(
      'GET',
      `/incidents/${past.id}/deployments`,
    );
    expect(links.map((l) => [l.deployment.id, l.source])).toEqual([[linked[0]!.id, 'suggestion']]);
    expect(lines.join('\n')).toMatch(/Releases: {3}\d+ deployments recorded/);
  });

  it('the fault exhausts checkout-latency: the gate denies naming it, p0-fix passes, others stay open', async () => {
    const asCli = { server: demo!.url, token: DEMO_ADMIN_TOKEN };
    const denied = await until(
      'the release gate to deny checkout',
      async () => {
        const r = await cli(['gate', 'checkout'], asCli);
        expect([0, 1]).toContain(r.code);
        return r.code === 1 ? r : undefined;
      },
      // The fault burns in proportion to traffic: at night (a quarter to half of the afternoon's)
      // the budget runs out about four minutes after the fault starts.
      300_000,
    );
    expect(denied.stdout).toContain('checkout-latency');
    const fix = await cli(['gate', 'checkout', '--change-label', 'p0-fix'], asCli);
    expect(fix.code).toBe(0);
    expect(fix.stdout).toContain('p0-fix');
    for (const service of ['payments', 'storefront', 'auth', 'api-gateway']) {
      const r = await cli(['gate', service], asCli);
      expect(r.code, `${service}: ${r.stdout}`).toBe(0);
    }
  }, 330_000);

  it('carries capacity resources with months of history; payments storage runs out inside its lead time and raises a ticket', async () => {
    const { items } = await client.request<{ items: { name: string; latest: unknown }[] }>(
      'GET',
      '/capacity/resources',
    );
    expect(items.map((r) => r.name).sort()).toEqual([
      'api-gateway-connections',
      'checkout-cpu',
      'payments-db-storage',
      'search-rps',
      'storefront-memory',
    ]);
    expect(items.every((r) => r.latest !== null)).toBe(true);
    // The SLI history of this test is 2 days; capacity history is always 120 days of hours.
    const usage = await client.request<{ points: { t: string }[] }>(
      'GET',
      '/capacity/resources/checkout-cpu/usage',
      { query: { from: '130d' } },
    );
    expect(usage.points.length).toBeGreaterThan(CAPACITY_HISTORY_DAYS * 24 - 24);
    expect(Date.now() - Date.parse(usage.points[0]!.t)).toBeGreaterThan(90 * 86_400_000);
    const runway = await client.request<{ items: { resource: string; insideLeadTime: boolean }[] }>(
      'GET',
      '/capacity/runway',
    );
    expect(runway.items.filter((r) => r.insideLeadTime).map((r) => r.resource)).toEqual([RUNNING_OUT]);
    const ticket = await until(
      'the CapacityRunwayShort ticket',
      async () => {
        const alerts = await client.request<{ status: string; labels: Record<string, string> }[]>(
          'GET',
          '/alerts',
          { query: { limit: 1000 } },
        );
        return alerts.find((a) => a.labels.alertname === 'CapacityRunwayShort' && a.status === 'firing');
      },
      // The runway check runs every minute in the demo.
      90_000,
    );
    expect(ticket.labels).toMatchObject({ resource: RUNNING_OUT, service: 'payments', severity: 'ticket' });
    // The spring campaign's +40 % moves checkout CPU over its threshold and raises its cost.
    const scenarios = await client.request<{ items: { name: string }[] }>('GET', '/capacity/scenarios');
    expect(scenarios.items.map((s) => s.name).sort()).toEqual(['launch-week', 'spring-campaign']);
    const forecast = await client.request<{
      organic: { runway: { threshold: { at: string | null } }; cost: { monthly: number } };
      scenario: { outlook: { runway: { threshold: { at: string | null } }; cost: { monthly: number } } };
    }>('GET', '/capacity/resources/checkout-cpu/forecast', { query: { scenario: 'spring-campaign' } });
    expect(forecast.organic.runway.threshold.at).toBeNull();
    expect(forecast.scenario.outlook.runway.threshold.at).not.toBeNull();
    expect(forecast.scenario.outlook.cost.monthly).toBeGreaterThan(forecast.organic.cost.monthly);
  }, 120_000);

  it('carries a discovery board: feedback through the workflow, interviews, the tree and a survey with results', async () => {
    type Item = { id: string; title: string; status: string; votes: number; team: string | null };
    const items = await client.request<Item[]>('GET', '/feedback', { query: { limit: 1000 } });
    const duplicates = await client.request<Item[]>('GET', '/feedback', {
      query: { limit: 1000, status: 'duplicate' },
    });
    expect(items.length + duplicates.length).toBe(FEEDBACK.length);
    expect(duplicates).toHaveLength(1);
    const count = (status: string) => items.filter((i) => i.status === status).length;
    expect(count('done')).toBeGreaterThanOrEqual(2);
    expect(count('declined')).toBe(1);
    expect(count('open') + count('under-review') + count('planned') + count('in-progress')).toBeGreaterThan(
      5,
    );
    expect(new Set(items.map((i) => i.team))).toEqual(new Set(['commerce', 'platform', 'web', 'search']));
    const done = items.find((i) => i.status === 'done')!;
    const detail = await client.request<{
      voters: { voter: string }[];
      history: { to: string; notified: { reached: string[] } | null }[];
    }>('GET', `/feedback/${done.id}`);
    // The voters heard about it ("you said, we did"), each voter as themselves.
    expect(detail.voters.length).toBeGreaterThanOrEqual(1);
    expect(detail.history.at(-1)!.notified!.reached).toEqual(
      expect.arrayContaining(detail.voters.map((v) => v.voter)),
    );
    const merged = items.find((i) => i.id === duplicates[0]!.id) ?? null;
    expect(merged).toBeNull();

    const interviews = await client.request<{ team: string; feedback: string[] }[]>('GET', '/interviews');
    expect(interviews).toHaveLength(INTERVIEWS.length);
    expect(new Set(interviews.map((i) => i.team)).size).toBeGreaterThanOrEqual(3);
    expect(interviews.every((i) => i.feedback.length > 0)).toBe(true);

    const opportunities = await client.request<{ items: { name: string; parent: string | null }[] }>(
      'GET',
      '/discovery/opportunities',
    );
    expect(opportunities.items).toHaveLength(4);
    expect(opportunities.items.filter((o) => o.parent === 'night-pages').map((o) => o.name)).toEqual([
      'flaky-checkout-alerts',
    ]);
    const evidence = await client.request<{
      incidents: { last90Days: { total: number } };
      feedback: { items: number; votes: number };
      interviews: { count: number };
    }>('GET', '/discovery/opportunities/night-pages/evidence');
    expect(evidence.incidents.last90Days.total).toBeGreaterThanOrEqual(1);
    expect(evidence.feedback.items).toBe(4);
    expect(evidence.feedback.votes).toBeGreaterThan(10);
    expect(evidence.interviews.count).toBeGreaterThanOrEqual(3);
    const backlog = await client.request<{ items: { solution: string; score: { score: number } | null }[] }>(
      'GET',
      '/discovery/backlog',
    );
    expect(backlog.items).toHaveLength(5);
    expect(backlog.items.every((s) => s.score !== null && s.score.score > 0)).toBe(true);
    const tests = await client.request<{ items: unknown[] }>('GET', '/discovery/assumption-tests');
    expect(tests.items).toHaveLength(4);

    const results = await client.request<{
      rounds: {
        responded: number;
        capabilities: {
          capability: string;
          shown: boolean;
          nps: { score: number | null };
          teams: { team: string; withheld: boolean }[];
        }[];
      }[];
    }>('GET', '/surveys/platform-pulse/results');
    expect(results.rounds).toHaveLength(1);
    expect(results.rounds[0]!.responded).toBe(Object.keys(SURVEY_ANSWERS).length);
    const alerting = results.rounds[0]!.capabilities.find((c) => c.capability === 'alerting')!;
    expect(alerting.shown).toBe(true);
    expect(alerting.nps.score).not.toBeNull();
    const teams = Object.fromEntries(alerting.teams.map((t) => [t.team, t.withheld]));
    expect(teams).toEqual({ commerce: false, search: false, platform: true, web: true });
  });

  it('continues an existing demo instead of loading it twice', async () => {
    await demo!.stop();
    demo = undefined;
    const before = await (async () => {
      lines.length = 0;
      demo = await start(null);
      client = new HeadroomClient({ server: demo.url, token: DEMO_ADMIN_TOKEN });
      return lines.join('\n');
    })();
    expect(before).toContain('existing demo');
    expect(before).toContain('continued from where it stopped');
    expect(before).toMatch(/0 created, \d+ updated, \d+ unchanged/);
    const incidents = await client.request<{ title: string }[]>('GET', '/incidents');
    expect(incidents.filter((i) => i.title === PAST_INCIDENT_TITLE)).toHaveLength(1);
    expect(before).toContain('(0 filed now)');
    const feedback = await client.request<unknown[]>('GET', '/feedback', { query: { limit: 1000 } });
    expect(feedback).toHaveLength(FEEDBACK.length - 1);
    const interviews = await client.request<unknown[]>('GET', '/interviews');
    expect(interviews).toHaveLength(INTERVIEWS.length);
    const survey = await client.request<{ rounds: number; lastRound: { responded: number } }>(
      'GET',
      '/surveys/platform-pulse',
    );
    expect(survey.rounds).toBe(1);
    expect(survey.lastRound.responded).toBe(Object.keys(SURVEY_ANSWERS).length);
    // The people's tokens of the first start are revoked; a start with nothing to do makes none.
    const tokens = await client.request<{ user: string; revokedAt: string | null }[]>('GET', '/tokens');
    expect(tokens.filter((t) => t.user !== 'admin' && t.revokedAt === null)).toEqual([]);
    const streams = await client.request<{ stream: string; dataAgeSeconds: number }[]>(
      'GET',
      '/ingest/streams',
    );
    expect(streams.find((s) => s.stream === 'checkout-latency')!.dataAgeSeconds).toBeLessThan(120);
  }, 30_000);

  it('refuses bad options', async () => {
    const r = await cli(['demo', '--history', '5m', '--data-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('at least 1h');
  });
});

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
      async () => demo!.receiver.received.find((n) => JSON.stringify(n.body).includes('checkout-latency')),
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
      150_000,
    );
    expect(denied.stdout).toContain('checkout-latency');
    const fix = await cli(['gate', 'checkout', '--change-label', 'p0-fix'], asCli);
    expect(fix.code).toBe(0);
    expect(fix.stdout).toContain('p0-fix');
    for (const service of ['payments', 'storefront', 'auth', 'api-gateway']) {
      const r = await cli(['gate', service], asCli);
      expect(r.code, `${service}: ${r.stdout}`).toBe(0);
    }
  }, 180_000);

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

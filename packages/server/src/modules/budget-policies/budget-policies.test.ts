import type {
  Exemption,
  GateDecisionList,
  GateResponse,
  PolicyVerdict,
} from '@headroom/core/api/budget-policy';
import type { Incident } from '@headroom/core/incidents/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test-support/app.js';
import { dropCreatedDatabases, supportedDatabases } from '../../test-support/databases.js';
import { closingContext } from '../incidents/postmortems.js';
import { evaluateAll } from '../slo-status/evaluator.js';
import { incidentBudgetShare } from './service.js';

afterAll(dropCreatedDatabases);

const slo = (name: string, service: string) => `apiVersion: openslo/v1
kind: SLO
metadata:
  name: ${name}
spec:
  service: ${service}
  budgetingMethod: Occurrences
  timeWindow:
    - duration: 1d
      isRolling: true
  objectives:
    - target: 0.99
  indicator:
    metadata:
      name: ${name}-ok
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource:
            type: headroom
            spec: {}
        total:
          metricSource:
            type: headroom
            spec: {}
`;

const POLICIES = `apiVersion: headroom.dev/v1
kind: ErrorBudgetPolicy
metadata:
  name: tier-1
spec:
  owner: payments
  tiers: [tier-1]
---
apiVersion: headroom.dev/v1
kind: ErrorBudgetPolicy
metadata:
  name: search
spec:
  services: [search]
  rules:
    warnBelow: 0.2
    incidentBudgetShare: 0.1
`;

/** Bad events per 1,000 a minute: 1 % budget, so 50 → 5× over (exhausted), 8 → 20 % left. */
const BAD: Record<string, number> = {
  'checkout-availability': 0,
  'checkout-latency': 50,
  'search-availability': 8,
  'orphan-availability': 50,
};

describe.each(supportedDatabases())('error budget policies and the gate on $name', ({ name, available }) => {
  let t: TestApp;
  let payEditor: { authorization: string };
  let viewer: { authorization: string };
  const K = Math.floor(Date.now() / 60_000);
  const req = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object, headers = t.admin) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers, ...(payload ? { payload } : {}) });
  const gate = async (service: string, payload?: object, headers = t.admin) => {
    const r = payload
      ? await req('POST', `/services/${service}/gate`, payload, headers)
      : await req('GET', `/services/${service}/gate`, undefined, headers);
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as GateResponse;
  };

  beforeAll(async () => {
    if (!available) return;
    t = await startTestApp(name);
    expect((await req('POST', '/teams', { name: 'payments' })).statusCode).toBe(201);
    for (const [svc, tier] of [
      ['checkout', 1],
      ['search', 2],
      ['orphan', 3],
    ] as const)
      expect((await req('POST', '/services', { name: svc, owner: 'payments', tier })).statusCode).toBe(201);
    expect((await req('POST', '/users', { name: 'alice' })).statusCode).toBe(201);
    payEditor = await t.userWithToken('pat', 'editor', ['payments']);
    viewer = await t.userWithToken('vic', 'viewer');
    const applied = await req('POST', '/apply', {
      files: [
        ...Object.keys(BAD).map((s) => ({ path: `${s}.yaml`, content: slo(s, s.split('-')[0]!) })),
        { path: 'policies.yaml', content: POLICIES },
      ],
    });
    expect(applied.statusCode, applied.body).toBe(200);
    const ndjson = Object.entries(BAD)
      .flatMap(([stream, bad]) =>
        Array.from({ length: 120 }, (_, i) =>
          JSON.stringify({ stream, ts: (K - 120 + i) * 60_000 + 1_000, good: 1000 - bad, total: 1000 }),
        ),
      )
      .join('\n');
    const ingested = await t.app.inject({
      method: 'POST',
      url: '/api/v1/ingest/events',
      headers: { ...t.admin, 'content-type': 'application/x-ndjson', 'idempotency-key': 'gate-1' },
      payload: ndjson,
    });
    expect(ingested.statusCode, ingested.body).toBe(200);
    expect((await evaluateAll(t.database, Date.now())).failed).toEqual([]);
  });
  afterAll(async () => {
    if (available) await t.close();
  });

  it.runIf(available)('applies policies and shows the verdict with the SLOs and numbers', async () => {
    const r = await req('GET', '/services/checkout/policy');
    expect(r.statusCode, r.body).toBe(200);
    const v = r.json() as PolicyVerdict;
    expect(v).toMatchObject({ service: 'checkout', verdict: 'deny', policies: ['tier-1'] });
    expect(v.rules).toEqual({
      freezeWhenExhausted: true,
      warnBelow: 0.25,
      allowLabels: ['p0-fix', 'security'],
      incidentBudgetShare: 0.2,
    });
    expect(v.slos.map((s) => [s.name, s.verdict])).toEqual([
      ['checkout-availability', 'allow'],
      ['checkout-latency', 'deny'],
    ]);
    expect(v.slos[1]!.budgetRemaining).toBeCloseTo(-4, 5);
    expect(v.reasons[0]).toMatchObject({
      rule: 'freeze-when-exhausted',
      slo: 'checkout-latency',
      policy: 'tier-1',
      threshold: 0,
    });
    // Not recorded: only the gate records decisions.
    expect((await req('GET', '/services/checkout/gate-decisions')).json().items).toEqual([]);
  });

  it.runIf(available)('the gate denies a frozen service, passes p0-fix and security changes', async () => {
    const denied = await gate('checkout');
    expect(denied.verdict).toBe('deny');
    expect(denied.reasons[0]!.message).toContain("SLO 'checkout-latency'");
    const p0 = await gate('checkout', {
      commit: 'abc123',
      author: 'pat',
      labels: ['P0-Fix'],
      version: '1.2.3',
      pipelineUrl: 'https://ci.example.com/1',
    });
    expect(p0.verdict).toBe('warn');
    expect(p0.reasons[0]).toMatchObject({ rule: 'allowed-label', label: 'p0-fix' });
    expect(p0.change).toEqual({
      commit: 'abc123',
      author: 'pat',
      labels: ['p0-fix'],
      version: '1.2.3',
      pipelineUrl: 'https://ci.example.com/1',
    });
    const viaQuery = await req('GET', '/services/checkout/gate?labels=feature,security&commit=def456');
    expect(viaQuery.json()).toMatchObject({
      verdict: 'warn',
      change: { commit: 'def456', labels: ['feature', 'security'] },
    });
    expect((await gate('checkout', { labels: ['feature'] }, viewer)).verdict).toBe('deny');

    const list = (await req('GET', '/services/checkout/gate-decisions')).json() as GateDecisionList;
    expect(list.items.map((d) => [d.verdict, d.requestedBy])).toEqual([
      ['deny', 'vic'],
      ['warn', 'admin'],
      ['warn', 'admin'],
      ['deny', 'admin'],
    ]);
    expect(list.items[2]).toMatchObject({
      id: p0.decisionId,
      change: { commit: 'abc123', labels: ['p0-fix'] },
    });
    expect(list.items[2]!.slos).toContainEqual({
      name: 'checkout-latency',
      budgetRemaining: expect.any(Number),
      verdict: 'warn',
    });
    const denies = (
      await req('GET', '/services/checkout/gate-decisions?verdict=deny&limit=1')
    ).json() as GateDecisionList;
    expect(denies.items.map((d) => d.requestedBy)).toEqual(['vic']);
    const within = async (query: string) =>
      ((await req('GET', `/services/checkout/gate-decisions?${query}`)).json() as GateDecisionList).items
        .length;
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    const hourAhead = new Date(Date.now() + 3_600_000).toISOString();
    expect(await within(`from=${hourAgo}`)).toBe(4);
    expect(await within(`from=${hourAhead}`)).toBe(0);
    expect(await within(`to=${hourAgo}`)).toBe(0);
    expect(await within(`from=${hourAgo}&to=${hourAhead}&verdict=warn`)).toBe(2);
    expect((await req('GET', '/services/checkout/gate-decisions?from=yesterday')).statusCode).toBe(400);
  });

  it.runIf(available)('warns below the threshold; no policy allows', async () => {
    const search = await gate('search');
    expect(search.verdict).toBe('warn');
    expect(search.reasons[0]).toMatchObject({
      rule: 'warn-below',
      slo: 'search-availability',
      threshold: 0.2,
      policy: 'search',
    });
    expect(search.reasons[0]!.budgetRemaining).toBeCloseTo(0.2 - 0.0, 0);
    const orphan = await gate('orphan');
    expect(orphan).toMatchObject({ verdict: 'allow', policies: [], rules: null });
    expect(orphan.reasons.map((r) => r.rule)).toEqual(['no-policy']);
    expect(orphan.slos[0]!.budgetRemaining).toBeLessThan(0);
  });

  it.runIf(available)('unknown service and bad input are problems', async () => {
    const missing = await req('POST', '/services/nope/gate', {});
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('SERVICE_NOT_FOUND');
    expect((await req('GET', '/services/nope/policy')).statusCode).toBe(404);
    const bad = await req('POST', '/services/checkout/gate', { labels: 'p0-fix' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('labels');
  });

  it.runIf(available)(
    'an exemption turns the freeze into a warning, audited; removing it restores the freeze',
    async () => {
      const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
      const body = {
        reason: 'the payments provider outage burned it',
        approver: 'alice',
        expiresAt,
        slos: ['checkout-latency'],
      };
      expect((await req('POST', '/services/checkout/exemptions', body, viewer)).statusCode).toBe(403);
      const badApprover = await req(
        'POST',
        '/services/checkout/exemptions',
        { ...body, approver: 'nobody' },
        payEditor,
      );
      expect(badApprover.statusCode).toBe(400);
      expect(badApprover.json().errors).toContainEqual(expect.objectContaining({ path: '/approver' }));
      const past = await req(
        'POST',
        '/services/checkout/exemptions',
        { ...body, expiresAt: new Date(Date.now() - 1000).toISOString() },
        payEditor,
      );
      expect(past.statusCode).toBe(400);
      expect(past.json().errors[0].path).toBe('/expiresAt');
      const otherSlo = await req(
        'POST',
        '/services/checkout/exemptions',
        { ...body, slos: ['search-availability'] },
        payEditor,
      );
      expect(otherSlo.json().errors[0].path).toBe('/slos/0');

      const created = await req('POST', '/services/checkout/exemptions', body, payEditor);
      expect(created.statusCode, created.body).toBe(201);
      const ex = created.json() as Exemption;
      expect(ex).toMatchObject({
        service: 'checkout',
        approver: 'alice',
        createdBy: 'pat',
        slos: ['checkout-latency'],
        active: true,
      });
      expect(
        (await req('GET', '/services/checkout/exemptions')).json().items.map((e: Exemption) => e.id),
      ).toEqual([ex.id]);

      const exempted = await gate('checkout');
      expect(exempted.verdict).toBe('warn');
      expect(exempted.reasons[0]).toMatchObject({ rule: 'exemption', exemption: ex.id });
      expect(exempted.exemptions.map((e) => e.id)).toEqual([ex.id]);

      expect(
        (await req('DELETE', `/services/checkout/exemptions/${ex.id}`, undefined, payEditor)).statusCode,
      ).toBe(204);
      expect(
        (await req('DELETE', `/services/checkout/exemptions/${ex.id}`, undefined, payEditor)).statusCode,
      ).toBe(404);
      expect((await gate('checkout')).verdict).toBe('deny');
      const audit = await t.database.db
        .selectFrom('audit_log')
        .select(['action', 'actor_name', 'target_ref'])
        .where('action', 'like', 'exemption.%')
        .orderBy('id')
        .execute();
      expect(audit).toEqual([
        { action: 'exemption.create', actor_name: 'pat', target_ref: 'component:default/checkout' },
        { action: 'exemption.delete', actor_name: 'pat', target_ref: 'component:default/checkout' },
      ]);
    },
  );

  it.runIf(available)(
    "the incident closing rule takes the strictest policy's incidentBudgetShare",
    async () => {
      const db = t.database.db;
      expect(await incidentBudgetShare(db, ['checkout'])).toBe(0.2);
      expect(await incidentBudgetShare(db, ['search'])).toBe(0.1);
      expect(await incidentBudgetShare(db, ['checkout', 'search'])).toBe(0.1);
      expect(await incidentBudgetShare(db, ['orphan'])).toBeNull();
      const now = Date.now();
      const incident: Incident = {
        id: 'INC-1',
        title: 'x',
        summary: '',
        severity: 'SEV3',
        status: 'resolved',
        roles: {},
        services: ['search'],
        alertGroups: [],
        mergedInto: null,
        createdBy: 'admin',
        updatedAt: now,
        impactStartedAt: now - 3_600_000,
        detectedAt: now - 3_600_000,
        declaredAt: now - 3_600_000,
        acknowledgedAt: null,
        mitigatedAt: null,
        resolvedAt: now,
        closedAt: null,
      };
      expect((await closingContext(db, { ...incident }, now)).policy?.budgetThreshold).toBe(0.1);
      expect(
        (await closingContext(db, { ...incident, services: ['orphan'] }, now)).policy?.budgetThreshold,
      ).toBe(0.2);
    },
  );
});

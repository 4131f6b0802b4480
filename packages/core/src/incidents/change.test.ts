import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HeadroomError } from '../errors.js';
import { applyIncidentChange, declareIncident, type IncidentChange } from './change.js';
import { assertValidMilestones } from './milestones.js';
import { INCIDENT_STATUSES, type Incident, isTransitionAllowed, nextStatuses } from './model.js';
import { emptySections, type Postmortem } from './postmortem.js';

const T0 = Date.parse('2026-03-01T10:00:00Z');
const MIN = 60_000;

function declared(overrides: Partial<Parameters<typeof declareIncident>[0]> = {}): Incident {
  return declareIncident(
    { id: 'inc-1', title: 'Checkout errors', severity: 'SEV3', services: ['checkout'], ...overrides },
    'alice',
    T0,
  ).incident;
}

function caught(fn: () => unknown): HeadroomError {
  try {
    fn();
  } catch (e) {
    if (e instanceof HeadroomError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

const apply = (i: Incident, c: IncidentChange, at = T0 + 10 * MIN) => applyIncidentChange(i, c, 'bob', at);

describe('declareIncident', () => {
  it('stamps declared and detected, writes the declared entry, and starts in triage', () => {
    const { incident, timeline } = declareIncident(
      {
        id: 'inc-1',
        title: '  Checkout errors ',
        severity: 'SEV2',
        services: ['payments', 'checkout', 'checkout'],
        alertGroups: ['g1'],
        roles: { commander: 'carol' },
        impactStartedAt: T0 - 5 * MIN,
      },
      'alice',
      T0,
    );
    expect(incident).toMatchObject({
      title: 'Checkout errors',
      status: 'triage',
      services: ['checkout', 'payments'],
      alertGroups: ['g1'],
      declaredAt: T0,
      detectedAt: T0,
      impactStartedAt: T0 - 5 * MIN,
      acknowledgedAt: T0, // a commander from the start acknowledges it
      roles: { commander: 'carol' },
    });
    expect(timeline.map((e) => e.kind)).toEqual(['declared', 'role']);
    expect(timeline[1]!.text).toBe('carol became Incident commander');
  });

  it('names the field for a bad severity, service or impact start', () => {
    expect(caught(() => declared({ severity: 'SEV5' as 'SEV1' })).errors?.[0]?.path).toBe('/severity');
    expect(caught(() => declared({ services: ['ok', 'Not OK'] })).errors?.[0]?.path).toBe('/services/1');
    expect(caught(() => declared({ title: ' ' })).errors?.[0]?.path).toBe('/title');
    const late = caught(() => declared({ impactStartedAt: T0 - MIN, detectedAt: T0 - 5 * MIN }));
    expect(late.code).toBe('INVALID_MILESTONES');
    expect(late.errors?.[0]?.path).toBe('/detectedAt'); // both given: the later one is named
  });
});

describe('status transitions', () => {
  it('allows exactly the documented transitions', () => {
    expect(nextStatuses('triage')).toEqual(['investigating', 'mitigated', 'resolved', 'cancelled', 'merged']);
    expect(nextStatuses('resolved')).toEqual(['closed', 'investigating']);
    for (const s of ['closed', 'cancelled', 'merged'] as const) expect(nextStatuses(s)).toEqual([]);
    // no status goes back to triage
    for (const s of INCIDENT_STATUSES) expect(isTransitionAllowed(s, 'triage')).toBe(false);
  });

  it('runs triage → investigating → mitigated → resolved → closed stamping each milestone', () => {
    let i = declared({ severity: 'SEV4', impactStartedAt: T0 - 3 * MIN });
    const kinds: string[] = [];
    const step = (c: IncidentChange, at: number) => {
      const r = apply(i, c, at);
      i = r.incident;
      kinds.push(...r.timeline.map((e) => e.text));
    };
    step({ type: 'status', status: 'investigating' }, T0 + 2 * MIN);
    expect(i.acknowledgedAt).toBe(T0 + 2 * MIN);
    step({ type: 'status', status: 'mitigated' }, T0 + 20 * MIN);
    step({ type: 'status', status: 'resolved', at: T0 + 30 * MIN }, T0 + 40 * MIN);
    step({ type: 'status', status: 'closed' }, T0 + 60 * MIN);
    expect(i).toMatchObject({
      status: 'closed',
      mitigatedAt: T0 + 20 * MIN,
      resolvedAt: T0 + 30 * MIN,
      closedAt: T0 + 60 * MIN,
    });
    expect(kinds).toEqual([
      'Status triage → investigating',
      'Status investigating → mitigated',
      'Status mitigated → resolved',
      'Status resolved → closed',
    ]);
  });

  it('refuses resolved → triage with a message naming what is allowed, changing nothing', () => {
    const resolved = apply(declared(), { type: 'status', status: 'resolved' }).incident;
    const before = structuredClone(resolved);
    const e = caught(() => apply(resolved, { type: 'status', status: 'triage' }));
    expect(e.code).toBe('INVALID_TRANSITION');
    expect(e.status).toBe(400);
    expect(e.errors?.[0]?.path).toBe('/status');
    expect(e.message).toContain('may move to closed, investigating');
    expect(resolved).toEqual(before);
  });

  it('resolving straight from triage also stamps mitigated and acknowledged', () => {
    const i = apply(declared(), { type: 'status', status: 'resolved' }, T0 + 5 * MIN).incident;
    expect(i).toMatchObject({
      mitigatedAt: T0 + 5 * MIN,
      resolvedAt: T0 + 5 * MIN,
      acknowledgedAt: T0 + 5 * MIN,
    });
  });

  it('reopening a resolved incident clears mitigated and resolved so MTTR counts the final fix', () => {
    let i = apply(declared(), { type: 'status', status: 'resolved' }, T0 + 5 * MIN).incident;
    const r = apply(i, { type: 'status', status: 'investigating', reason: 'errors are back' }, T0 + 9 * MIN);
    i = r.incident;
    expect(i).toMatchObject({ status: 'investigating', mitigatedAt: null, resolvedAt: null });
    expect(r.timeline[0]!.text).toBe('Status reopened (resolved → investigating): errors are back');
  });

  it('merging needs the other incident; closed/cancelled/merged take no more status changes', () => {
    const i = declared();
    expect(caught(() => apply(i, { type: 'status', status: 'merged' })).errors?.[0]?.path).toBe(
      '/mergedInto',
    );
    const merged = apply(i, { type: 'status', status: 'merged', mergedInto: 'inc-0' }).incident;
    expect(merged.mergedInto).toBe('inc-0');
    expect(caught(() => apply(merged, { type: 'status', status: 'investigating' })).code).toBe(
      'INCIDENT_FINAL',
    );
    const cancelled = apply(i, { type: 'status', status: 'cancelled', reason: 'false alarm' }).incident;
    expect(cancelled.acknowledgedAt).toBeNull();
    // but corrections and notes are still accepted
    expect(apply(cancelled, { type: 'note', text: 'load test, not an outage' }).timeline).toHaveLength(1);
  });

  it('repeating the current status is a no-op', () => {
    const i = apply(declared(), { type: 'status', status: 'investigating' }).incident;
    const r = apply(i, { type: 'status', status: 'investigating' });
    expect(r.incident).toBe(i);
    expect(r.timeline).toEqual([]);
  });
});

describe('closing rule', () => {
  const resolvedSev2 = () =>
    apply(declared({ severity: 'SEV2' }), { type: 'status', status: 'resolved' }, T0 + 5 * MIN).incident;
  const pm = (status: Postmortem['status']): Postmortem => ({
    incidentId: 'inc-1',
    status,
    sections: emptySections(),
    authors: ['alice'],
    createdAt: T0,
    updatedAt: T0,
    publishedAt: status === 'published' ? T0 : null,
  });

  it('refuses to close a SEV2 without a published postmortem, saying what is missing', () => {
    const e = caught(() =>
      applyIncidentChange(resolvedSev2(), { type: 'status', status: 'closed' }, 'bob', T0 + 9 * MIN),
    );
    expect(e.code).toBe('POSTMORTEM_REQUIRED');
    expect(e.status).toBe(409);
    expect(e.message).toContain('SEV2 incidents require a postmortem');
    expect(e.message).toContain('None has been started');
    const draft = caught(() =>
      applyIncidentChange(resolvedSev2(), { type: 'status', status: 'closed' }, 'bob', T0 + 9 * MIN, {
        postmortem: pm('draft'),
      }),
    );
    expect(draft.message).toContain('still draft');
    const ok = applyIncidentChange(
      resolvedSev2(),
      { type: 'status', status: 'closed' },
      'bob',
      T0 + 9 * MIN,
      {
        postmortem: pm('published'),
      },
    );
    expect(ok.incident.status).toBe('closed');
  });

  it('a SEV3 closes without a postmortem unless the policy says otherwise', () => {
    const i = apply(declared(), { type: 'status', status: 'resolved' }, T0 + 5 * MIN).incident;
    expect(apply(i, { type: 'status', status: 'closed' }).incident.status).toBe('closed');
    const e = caught(() =>
      applyIncidentChange(i, { type: 'status', status: 'closed' }, 'bob', T0 + 9 * MIN, {
        policy: { requiredSeverities: ['SEV1', 'SEV2', 'SEV3'], budgetThreshold: 0.2 },
      }),
    );
    expect(e.code).toBe('POSTMORTEM_REQUIRED');
  });
});

describe('milestone corrections', () => {
  it('names the field when mitigated is before impact started', () => {
    const i = apply(
      declared({ impactStartedAt: T0 - 10 * MIN }),
      { type: 'status', status: 'mitigated' },
      T0 + 5 * MIN,
    ).incident;
    const e = caught(() => apply(i, { type: 'milestones', milestones: { mitigatedAt: T0 - 20 * MIN } }));
    expect(e.code).toBe('INVALID_MILESTONES');
    expect(e.errors?.[0]).toMatchObject({ path: '/mitigatedAt', code: 'MILESTONE_ORDER' });
    expect(e.message).toContain('cannot be mitigated before it was impact started');
    // moving impact start instead names impactStartedAt
    const e2 = caught(() => apply(i, { type: 'milestones', milestones: { impactStartedAt: T0 + 6 * MIN } }));
    expect(e2.errors?.map((p) => p.path)).toContain('/impactStartedAt');
    expect(e2.errors?.[0]?.path).toBe('/impactStartedAt');
  });

  it('checks pairs across an unknown milestone, refuses the future and status-inconsistent times', () => {
    const i = declared({ detectedAt: null, impactStartedAt: T0 - MIN });
    const e = caught(() =>
      apply(i, { type: 'milestones', milestones: { impactStartedAt: T0 + MIN } }, T0 + 10 * MIN),
    );
    expect(e.errors?.[0]?.path).toBe('/impactStartedAt'); // impact after declared, detected unknown
    expect(
      caught(() => apply(i, { type: 'milestones', milestones: { detectedAt: T0 + 60 * MIN } })).errors?.[0]
        ?.code,
    ).toBe('MILESTONE_IN_FUTURE');
    expect(
      caught(() => apply(i, { type: 'milestones', milestones: { resolvedAt: T0 } })).errors?.[0],
    ).toMatchObject({
      path: '/resolvedAt',
      code: 'MILESTONE_NOT_YET',
    });
    expect(
      caught(() => apply(i, { type: 'milestones', milestones: { declaredAt: null } })).errors?.[0]?.path,
    ).toBe('/milestones/declaredAt');
  });

  it('records a correction in the timeline with from and to', () => {
    const i = declared({ impactStartedAt: T0 - 10 * MIN });
    const r = apply(i, { type: 'milestones', milestones: { impactStartedAt: T0 - 15 * MIN } });
    expect(r.incident.impactStartedAt).toBe(T0 - 15 * MIN);
    expect(r.timeline[0]).toMatchObject({
      kind: 'milestone',
      data: { milestone: 'impactStartedAt', from: T0 - 10 * MIN, to: T0 - 15 * MIN },
    });
  });
});

describe('roles, services, alert groups, notes', () => {
  it('records a hand-over and the first commander acknowledges', () => {
    let r = apply(declared(), { type: 'role', role: 'commander', user: 'carol' }, T0 + 3 * MIN);
    expect(r.incident.acknowledgedAt).toBe(T0 + 3 * MIN);
    expect(r.timeline.map((e) => e.kind)).toEqual(['role', 'acknowledged']);
    r = apply(r.incident, { type: 'role', role: 'commander', user: 'dave' }, T0 + 30 * MIN);
    expect(r.incident.roles.commander).toBe('dave');
    expect(r.incident.acknowledgedAt).toBe(T0 + 3 * MIN);
    expect(r.timeline[0]).toMatchObject({
      text: 'carol handed over Incident commander to dave',
      data: { role: 'commander', from: 'carol', to: 'dave' },
    });
    r = apply(r.incident, { type: 'role', role: 'commander', user: null });
    expect(r.incident.roles.commander).toBeUndefined();
    expect(
      caught(() => apply(declared(), { type: 'role', role: 'chef' as 'scribe', user: 'x' })).errors?.[0]
        ?.path,
    ).toBe('/role');
  });

  it('adds and removes services and alert groups, keeping them sorted and unique', () => {
    let r = apply(declared(), { type: 'services', add: ['search', 'checkout'], remove: [] });
    expect(r.incident.services).toEqual(['checkout', 'search']);
    expect(r.timeline[0]!.text).toBe('Added service search');
    r = apply(r.incident, { type: 'alert-groups', link: ['g2', 'g1'] });
    r = apply(r.incident, { type: 'alert-groups', unlink: ['g2'] });
    expect(r.incident.alertGroups).toEqual(['g1']);
    expect(caught(() => apply(declared(), { type: 'services', add: ['Bad_Name'] })).errors?.[0]?.path).toBe(
      '/add/0',
    );
  });

  it('severity changes and notes go to the timeline; an empty note is refused', () => {
    const r = apply(declared(), { type: 'severity', severity: 'SEV1', reason: 'all regions' });
    expect(r.timeline[0]!.text).toBe('Severity SEV3 → SEV1: all regions');
    expect(caught(() => apply(declared(), { type: 'note', text: '  ' })).errors?.[0]?.path).toBe('/text');
    expect(apply(declared(), { type: 'status-update', text: 'Rolling back' }).timeline[0]!.kind).toBe(
      'status-update',
    );
    // A note written after the fact keeps when it happened; the future is refused.
    expect(
      apply(declared(), { type: 'note', text: 'deploy 4.2 went out', at: T0 + 2 * MIN }).timeline[0]!.at,
    ).toBe(T0 + 2 * MIN);
    expect(apply(declared(), { type: 'note', text: 'now' }).timeline[0]!.at).toBe(T0 + 10 * MIN);
    expect(
      caught(() => apply(declared(), { type: 'note', text: 'later', at: T0 + 11 * MIN })).errors?.[0]?.path,
    ).toBe('/at');
  });
});

describe('applyIncidentChange properties', () => {
  const arbChange: fc.Arbitrary<IncidentChange> = fc.oneof(
    fc.record({
      type: fc.constant('status' as const),
      status: fc.constantFrom(...INCIDENT_STATUSES),
      mergedInto: fc.constant('inc-0'),
    }),
    fc.record({
      type: fc.constant('role' as const),
      role: fc.constant('commander' as const),
      user: fc.option(fc.constantFrom('carol', 'dave')),
    }),
    fc.record({
      type: fc.constant('milestones' as const),
      milestones: fc.record(
        {
          impactStartedAt: fc.integer({ min: -120, max: 120 }).map((m) => T0 + m * MIN),
          mitigatedAt: fc.integer({ min: -120, max: 300 }).map((m) => T0 + m * MIN),
        },
        { requiredKeys: [] },
      ),
    }),
    fc.record({ type: fc.constant('acknowledge' as const) }),
    fc.record({ type: fc.constant('note' as const), text: fc.constantFrom('x', ' ') }),
  );

  it('every reachable incident keeps valid milestones; a refused change alters nothing', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(arbChange, fc.integer({ min: 0, max: 30 })), { maxLength: 25 }),
        (steps) => {
          let i = declared({ severity: 'SEV3', impactStartedAt: T0 - 5 * MIN });
          let now = T0;
          for (const [change, dt] of steps) {
            now += dt * MIN;
            const before = structuredClone(i);
            let next: Incident;
            try {
              const r = applyIncidentChange(i, change, 'bob', now);
              next = r.incident;
              if (change.type === 'status' && change.status !== before.status) {
                expect(isTransitionAllowed(before.status, change.status)).toBe(true);
              }
            } catch (e) {
              expect(e).toBeInstanceOf(HeadroomError);
              expect(i).toEqual(before);
              continue;
            }
            expect(() => assertValidMilestones(next, now)).not.toThrow();
            i = next;
          }
        },
      ),
    );
  });
});

describe('a retrospective declaration', () => {
  it('is acknowledged at its declaration time, not when it was typed in', () => {
    const declaredAt = Date.parse('2026-03-01T10:00:00Z');
    const now = declaredAt + 10 * 86_400_000;
    const { incident } = declareIncident(
      { id: 'INC-9', title: 'Past outage', severity: 'SEV2', status: 'investigating', declaredAt },
      'alice',
      now,
    );
    expect(incident.acknowledgedAt).toBe(declaredAt);
    const withCommander = declareIncident(
      { id: 'INC-10', title: 'Past outage', severity: 'SEV3', roles: { commander: 'bob' }, declaredAt },
      'alice',
      now,
    ).incident;
    expect(withCommander.acknowledgedAt).toBe(declaredAt);
  });
});

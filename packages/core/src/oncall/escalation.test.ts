import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  advance,
  type DueNotification,
  type EscalationFacts,
  type EscalationPolicySpec,
  type EscalationState,
  notificationCount,
  resolveTargets,
  startEscalation,
} from './escalation.js';

const M = 60_000;
const T0 = Date.parse('2026-03-02T14:30:00Z');
const quiet: EscalationFacts = { acknowledged: false, resolved: false };

const policy: EscalationPolicySpec = {
  steps: [
    { delay: '5m', delayMs: 5 * M, notify: [{ schedule: 'primary' }] },
    { delay: '10m', delayMs: 10 * M, notify: [{ schedule: 'secondary' }, { user: 'lead' }] },
    { delay: '15m', delayMs: 15 * M, notify: [{ channel: 'ops' }] },
  ],
  repeat: 1,
};

const brief = (d: DueNotification[]) => d.map((n) => [n.stepIndex, n.cycle, n.at]);

describe('advance', () => {
  it('notifies step 1 at the start and each next step after the delay', () => {
    let state = startEscalation(policy, T0);
    const first = advance(policy, state, T0, quiet);
    expect(brief(first.due)).toEqual([[0, 0, T0]]);
    expect(first.due[0]!.targets).toEqual([{ schedule: 'primary' }]);
    expect(first.due[0]!.explanation).toBe('Step 1 of 3 (cycle 1 of 2) at 14:30:00: the escalation started');
    expect(first.nextAt).toBe(T0 + 5 * M);
    state = first.state;

    const early = advance(policy, state, T0 + 5 * M - 1, quiet);
    expect(early.due).toEqual([]);
    expect(early.nextAt).toBe(T0 + 5 * M);
    expect(early.explanation).toContain('next: step 2 of 3 (cycle 1 of 2) at 14:35:00');

    const second = advance(policy, state, T0 + 5 * M, quiet);
    expect(brief(second.due)).toEqual([[1, 0, T0 + 5 * M]]);
    expect(second.due[0]!.explanation).toBe(
      'Step 2 of 3 (cycle 1 of 2) at 14:35:00 because step 1 (notified 14:30:00) was not acknowledged within 5m',
    );
    expect(second.nextAt).toBe(T0 + 15 * M);
  });

  it('repeats from step 1 after the last step’s delay, then is exhausted', () => {
    const s = startEscalation(policy, T0);
    const r = advance(policy, s, T0 + 29 * M, quiet);
    expect(brief(r.due)).toEqual([
      [0, 0, T0],
      [1, 0, T0 + 5 * M],
      [2, 0, T0 + 15 * M],
    ]);
    const again = advance(policy, r.state, T0 + 30 * M, quiet);
    expect(brief(again.due)).toEqual([[0, 1, T0 + 30 * M]]);
    expect(again.due[0]!.explanation).toBe(
      'Step 1 of 3 (cycle 2 of 2) at 15:00:00 because step 3 of 3 (cycle 1 of 2) (notified 14:45:00) was not acknowledged within 15m; the policy starts again (last run)',
    );
    const end = advance(policy, again.state, T0 + 59 * M, quiet);
    expect(brief(end.due)).toEqual([
      [1, 1, T0 + 35 * M],
      [2, 1, T0 + 45 * M],
    ]);
    expect(end.nextAt).toBe(T0 + 60 * M);
    expect(end.explanation).toContain('the policy is exhausted at 15:30:00');
    const over = advance(policy, end.state, T0 + 60 * M, quiet);
    expect(over.due).toEqual([]);
    expect(over.nextAt).toBeNull();
    expect(over.state.status).toBe('exhausted');
    expect(over.explanation).toMatch(
      /^The policy is exhausted at 15:30:00: step 3 of 3 \(cycle 2 of 2\) was the last/,
    );
    // Exhausted is final.
    expect(advance(policy, over.state, T0 + 999 * M, quiet).due).toEqual([]);
  });

  it('catches up after a restart: every missed step once, in order, with its due time', () => {
    const s = advance(policy, startEscalation(policy, T0), T0, quiet).state;
    const late = advance(policy, s, T0 + 10 * 60 * M, quiet);
    expect(brief(late.due)).toEqual([
      [1, 0, T0 + 5 * M],
      [2, 0, T0 + 15 * M],
      [0, 1, T0 + 30 * M],
      [1, 1, T0 + 35 * M],
      [2, 1, T0 + 45 * M],
    ]);
    expect(late.nextAt).toBeNull();
    expect(late.state.status).toBe('exhausted');
    expect(late.state.stoppedAt).toBe(T0 + 60 * M);
  });

  it('stops on acknowledgement or resolve and says why', () => {
    const s = advance(policy, startEscalation(policy, T0), T0, quiet).state;
    const acked = advance(policy, s, T0 + 7 * M, { acknowledged: true, resolved: false });
    expect(acked.due).toEqual([]);
    expect(acked.nextAt).toBeNull();
    expect(acked.state.status).toBe('acknowledged');
    expect(acked.explanation).toBe(
      'Escalation stopped at 14:37:00 because the alert group was acknowledged after step 1 of 3 (cycle 1 of 2) (notified 14:30:00); step 2 of 3 (cycle 1 of 2) (due 14:35:00) and later steps are not sent',
    );
    // Stopping is final, even if a later call no longer sees the acknowledgement.
    expect(advance(policy, acked.state, T0 + 99 * M, quiet).due).toEqual([]);

    const resolved = advance(policy, s, T0 + 2 * M, { acknowledged: true, resolved: true });
    expect(resolved.state.status).toBe('resolved');
    expect(resolved.explanation).toMatch(/because the alert group was resolved/);
    const before = advance(policy, startEscalation(policy, T0), T0, { acknowledged: false, resolved: true });
    expect(before.due).toEqual([]);
    expect(before.explanation).toMatch(/before any step was notified/);
  });

  it('omits the cycle when the policy runs once, and does not change the state passed in', () => {
    const once: EscalationPolicySpec = { steps: policy.steps, repeat: 0 };
    const s = startEscalation(once, T0);
    const copy = structuredClone(s);
    const r = advance(once, s, T0 + 5 * M, quiet);
    expect(s).toEqual(copy);
    expect(r.due.map((d) => d.explanation)).toEqual([
      'Step 1 of 3 at 14:30:00: the escalation started',
      'Step 2 of 3 at 14:35:00 because step 1 (notified 14:30:00) was not acknowledged within 5m',
    ]);
  });

  it('writes clock times in the zone asked for', () => {
    const r = advance(policy, startEscalation(policy, T0), T0, quiet, { timeZone: 'Europe/Berlin' });
    expect(r.due[0]!.explanation).toContain('at 15:30:00');
  });
});

// ---- properties: the notifications depend on the schedule, never on when advance runs

const policyArb = fc.record({
  steps: fc.array(
    fc.record({
      delayMs: fc.integer({ min: 1, max: 12 }),
      notify: fc.constant([{ user: 'u' }]),
    }),
    { minLength: 1, maxLength: 4 },
  ),
  repeat: fc.integer({ min: 0, max: 3 }),
});

/** Runs advance at each time given (ascending), with acknowledgement from `ackAt` on. */
function run(p: EscalationPolicySpec, start: number, times: number[], ackAt: number | null) {
  let state: EscalationState = startEscalation(p, start);
  const out: [number, number, number][] = [];
  let nextAt: number | null = start;
  for (const t of times) {
    const r = advance(p, state, t, { acknowledged: ackAt !== null && t >= ackAt, resolved: false });
    out.push(...(brief(r.due) as [number, number, number][]));
    state = r.state;
    nextAt = r.nextAt;
  }
  return { out, state, nextAt };
}

/** The expected sequence, straight from the rules. */
function oracle(p: EscalationPolicySpec, start: number, until: number, ackAt: number | null) {
  const out: [number, number, number][] = [];
  let at = start;
  for (let k = 0; k < notificationCount(p); k++) {
    const i = k % p.steps.length;
    if (at > until || (ackAt !== null && at >= ackAt)) break;
    out.push([i, Math.floor(k / p.steps.length), at]);
    at += p.steps[i]!.delayMs;
  }
  return out;
}

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

describe('advance properties', () => {
  it('calling at arbitrary times gives exactly the notifications of calling every millisecond', () => {
    fc.assert(
      fc.property(
        policyArb,
        fc.integer({ min: 0, max: 1000 }),
        fc.array(fc.integer({ min: -5, max: 220 }), { maxLength: 12 }),
        (p, start, offsets) => {
          const horizon = start + 220;
          const everyMs = run(p, start, range(start - 5, horizon), null);
          const times = [...new Set([...offsets.map((o) => start + o), horizon])].sort((a, b) => a - b);
          const sparse = run(p, start, times, null);
          expect(sparse.out).toEqual(everyMs.out);
          expect(everyMs.out).toEqual(oracle(p, start, horizon, null));
          expect(sparse.state).toEqual(everyMs.state);
          expect(sparse.nextAt).toEqual(everyMs.nextAt);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never notifies at or after an acknowledgement, and a late caller sends a prefix of the timely one', () => {
    fc.assert(
      fc.property(
        policyArb,
        fc.integer({ min: 0, max: 150 }),
        fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 10 }),
        (p, ackOffset, offsets) => {
          const start = 1000;
          const ackAt = start + ackOffset;
          const horizon = start + 200;
          const everyMs = run(p, start, range(start, horizon), ackAt);
          expect(everyMs.out).toEqual(oracle(p, start, horizon, ackAt));
          expect(everyMs.nextAt).toBeNull();
          const times = [...new Set([...offsets.map((o) => start + o), horizon])].sort((a, b) => a - b);
          const sparse = run(p, start, times, ackAt);
          // Steps due before the acknowledgement but only seen after it are not sent: someone has it.
          expect(everyMs.out.slice(0, sparse.out.length)).toEqual(sparse.out);
          for (const [, , at] of sparse.out) expect(at).toBeLessThan(ackAt);
          expect(sparse.nextAt).toBeNull();
          expect(['acknowledged', 'exhausted']).toContain(sparse.state.status);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('survives a JSON round trip of the state between calls', () => {
    fc.assert(
      fc.property(policyArb, fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 8 }), (p, offsets) => {
        const times = [...offsets].sort((a, b) => a - b);
        let state = startEscalation(p, 0);
        let stored = startEscalation(p, 0);
        for (const t of times) {
          const a = advance(p, state, t, quiet);
          const b = advance(p, JSON.parse(JSON.stringify(stored)), t, quiet);
          expect(b.due).toEqual(a.due);
          state = a.state;
          stored = b.state;
        }
      }),
    );
  });
});

describe('resolveTargets', () => {
  const onCall = (schedule: string) =>
    ({ primary: 'alice', secondary: null, ghost: 'nobody-here' })[schedule] ?? null;
  const users = new Set(['alice', 'bob']);
  const lookup = {
    onCall: (s: string) => {
      if (s === 'deleted') throw new Error("no schedule 'deleted'");
      return onCall(s) as string | null;
    },
    userExists: (n: string) => users.has(n),
  };

  it('turns schedules, users and channels into recipients, each user once', () => {
    const r = resolveTargets(
      [{ channel: 'ops' }, { schedule: 'primary' }, { user: 'bob' }, { user: 'alice' }, { channel: 'ops' }],
      lookup,
      T0,
    );
    expect(r.recipients).toEqual([
      { channel: 'ops', via: { channel: 'ops' } },
      { user: 'alice', via: { schedule: 'primary' } },
      { user: 'bob', via: { user: 'bob' } },
    ]);
    expect(r.notes).toEqual([]);
    expect(r.explanation).toBe('Notifying channel ops, alice (on call in primary), bob');
  });

  it('goes on when a schedule has nobody on call, and says so', () => {
    const r = resolveTargets(
      [
        { schedule: 'secondary' },
        { user: 'carol' },
        { schedule: 'ghost' },
        { schedule: 'deleted' },
        { user: 'bob' },
      ],
      lookup,
      T0 + 5 * M,
    );
    expect(r.recipients).toEqual([{ user: 'bob', via: { user: 'bob' } }]);
    expect(r.notes).toEqual([
      "nobody was on call in schedule 'secondary' at 14:35:00",
      "user 'carol' does not exist; skipped",
      "'nobody-here', on call in schedule 'ghost', is not a user; skipped",
      "schedule 'deleted' could not be read (no schedule 'deleted'); skipped",
    ]);
    expect(r.explanation).toMatch(/^Notifying bob; nobody was on call in schedule 'secondary' at 14:35:00;/);
    expect(resolveTargets([{ schedule: 'secondary' }], lookup, T0).explanation).toBe(
      "Nobody to notify; nobody was on call in schedule 'secondary' at 14:30:00",
    );
  });

  it('asks the schedule about the time of the step', () => {
    const asked: number[] = [];
    resolveTargets(
      [{ schedule: 'primary' }],
      {
        onCall: (_s, at) => {
          asked.push(at);
          return 'alice';
        },
        userExists: () => true,
      },
      T0 + 5 * M,
    );
    expect(asked).toEqual([T0 + 5 * M]);
  });
});

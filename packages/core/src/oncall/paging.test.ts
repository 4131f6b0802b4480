import { describe, expect, it } from 'vitest';
import { resolveTargets, startEscalation } from './escalation.js';
import {
  advancePage,
  autoDeclareServices,
  emailOfChannel,
  pageDeliveries,
  pageFacts,
  pageToStart,
  parseTiers,
  userEmailChannel,
} from './paging.js';

const MIN = 60_000;
const T0 = Date.UTC(2024, 5, 3, 14, 30);
const policy = {
  name: 'ops',
  repeat: 0,
  steps: [
    { delayMs: 5 * MIN, delay: '5m', notify: [{ schedule: 'primary' }, { channel: 'ops-slack' }] },
    { delayMs: 10 * MIN, delay: '10m', notify: [{ user: 'carol' }] },
  ],
};

describe('paging decisions', () => {
  it('starts a page only for a paging route whose group fires and has none', () => {
    expect(pageToStart({ policy: 'ops', hasPage: false, firing: 1 })).toBe(true);
    expect(pageToStart({ policy: 'ops', hasPage: true, firing: 1 })).toBe(false);
    expect(pageToStart({ policy: null, hasPage: false, firing: 1 })).toBe(false);
    expect(pageToStart({ policy: 'ops', hasPage: false, firing: 0 })).toBe(false);
    expect(pageFacts({ exists: false, firing: 0 }).resolved).toBe(true);
    expect(pageFacts({ exists: true, firing: 0 }).resolved).toBe(true);
    expect(pageFacts({ exists: true, firing: 2 })).toEqual({ acknowledged: false, resolved: false });
  });

  it('numbers due steps across calls and logs the stop once', () => {
    const state = startEscalation(policy, T0);
    const first = advancePage(policy, state, T0 + 5 * MIN, { acknowledged: false, resolved: false });
    expect(first.steps.map((s) => [s.n, s.due.stepIndex, s.due.at])).toEqual([
      [0, 0, T0],
      [1, 1, T0 + 5 * MIN],
    ]);
    expect(first.stopped).toBeNull();
    const acked = advancePage(
      policy,
      first.result.state,
      T0 + 6 * MIN,
      { acknowledged: true, resolved: false },
      {},
      {
        by: 'alice',
        via: 'link',
      },
    );
    expect(acked.stopped).toMatchObject({
      kind: 'acknowledged',
      data: { by: 'alice', via: 'link', sent: 2 },
    });
    expect(acked.stopped!.text).toMatch(/^Acknowledged by alice \(link\)\. Escalation stopped at 14:36:00/);
    const exhausted = advancePage(policy, first.result.state, T0 + 15 * MIN, {
      acknowledged: false,
      resolved: false,
    });
    expect(exhausted.stopped?.kind).toBe('exhausted');
  });

  it('makes one outbox notification per reachable recipient and logs the unreachable', () => {
    const state = startEscalation(policy, T0);
    const { steps } = advancePage(policy, state, T0 + 5 * MIN, { acknowledged: false, resolved: false });
    const lookup = { onCall: () => 'alice', userExists: (u: string) => ['alice', 'carol'].includes(u) };
    const { outbox, log } = pageDeliveries(
      {
        pageId: 'p1',
        groupId: 'g1',
        policy,
        title: 'DiskFull (1 alert firing)',
        labels: { alertname: 'DiskFull' },
        groupUrl: 'https://h.example/alert-groups/g1',
        ackUrl: (r) => `https://h.example/ack/${r}`,
        emailOf: (u) => (u === 'alice' ? 'alice@example.com' : null),
      },
      steps.map((s) => ({ ...s, resolved: resolveTargets(s.due.targets, lookup, s.due.at) })),
    );
    expect(outbox.map((o) => [o.channel, o.idempotencyKey])).toEqual([
      ['mailto:alice@example.com', 'page:p1:0:user:alice'],
      ['ops-slack', 'page:p1:0:channel:ops-slack'],
    ]);
    expect(outbox[0]!.message.links[0]).toEqual({ url: 'https://h.example/ack/alice', title: 'Acknowledge' });
    expect(outbox[0]!.message.text).toMatch(/Acknowledge within 5m or the next step is paged/);
    expect(log.map((e) => e.kind)).toEqual(['step-notified', 'target-unreachable', 'step-notified']);
    expect(log[1]!.text).toMatch(/carol was not paged: the user has no e-mail address/);
    expect(log[2]!.text).toMatch(/Reached nobody\.$/);
  });

  it('addresses people by mailto: channels that no NotificationChannel name can be', () => {
    expect(emailOfChannel(userEmailChannel('a@b.example'))).toBe('a@b.example');
    expect(emailOfChannel('ops-slack')).toBeNull();
    expect(emailOfChannel('mailto:')).toBeNull();
  });

  it('reads auto-declare tiers and picks the catalog services in them', () => {
    expect(parseTiers(undefined)).toEqual([]);
    expect(parseTiers('')).toEqual([]);
    expect(parseTiers('tier-1, Tier 2,3')).toEqual([1, 2, 3]);
    expect(() => parseTiers('gold')).toThrow(/'gold' is not a tier/);
    const tiers = new Map([
      ['checkout', 1],
      ['search', 3],
    ]);
    expect(autoDeclareServices(['checkout', 'search', 'unknown', 'checkout'], tiers, [1])).toEqual([
      'checkout',
    ]);
    expect(autoDeclareServices(['search'], tiers, [1])).toEqual([]);
  });
});

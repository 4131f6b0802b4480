import { describe, expect, it } from 'vitest';
import { parseMatchers } from './matchers.js';
import { checkSilence, expiredWindow, type SilenceRule, silencedBy, silenceState } from './silences.js';

const T = Date.parse('2024-05-01T14:00:00Z');
const H = 3_600_000;

describe('silences', () => {
  const silence: SilenceRule = {
    id: 's1',
    matchers: parseMatchers('alertname="HighLatency", env=~"prod|staging"'),
    startsAt: T,
    endsAt: T + 2 * H,
  };

  it('is pending before startsAt, active from startsAt to endsAt inclusive, expired after', () => {
    expect(silenceState(silence, T - 1)).toBe('pending');
    expect(silenceState(silence, T)).toBe('active');
    expect(silenceState(silence, T + 2 * H)).toBe('active');
    expect(silenceState(silence, T + 2 * H + 1)).toBe('expired');
  });

  it('mutes only while active and only alerts all its matchers match', () => {
    const labels = { alertname: 'HighLatency', env: 'prod', instance: 'a' };
    expect(silencedBy(labels, [silence], T + H)).toEqual(['s1']);
    expect(silencedBy(labels, [silence], T - 1)).toEqual([]);
    expect(silencedBy(labels, [silence], T + 3 * H)).toEqual([]);
    expect(silencedBy({ ...labels, env: 'dev' }, [silence], T + H)).toEqual([]);
    expect(silencedBy({ alertname: 'HighLatency' }, [silence], T + H)).toEqual([]);
    const other: SilenceRule = {
      id: 's2',
      matchers: parseMatchers('instance="a"'),
      startsAt: T,
      endsAt: T + H,
    };
    expect(silencedBy(labels, [silence, other], T + H / 2)).toEqual(['s1', 's2']);
  });

  it('refuses silences without matchers, matching everything, or ending before they start', () => {
    const window = { startsAt: T, endsAt: T + H };
    expect(checkSilence({ matchers: [], ...window })).toEqual([
      { field: 'matchers', message: 'at least one matcher is required' },
    ]);
    expect(checkSilence({ matchers: parseMatchers('a="", b=~".*"'), ...window })[0]?.message).toMatch(
      /must not match the empty string/,
    );
    // Negative matchers never count as matching the empty string (as in Alertmanager).
    expect(checkSilence({ matchers: parseMatchers('a!="x"'), ...window })).toEqual([]);
    expect(checkSilence({ matchers: parseMatchers('a="x"'), startsAt: T, endsAt: T - 1 })).toEqual([
      { field: 'endsAt', message: 'must not be before startsAt' },
    ]);
  });

  it('expires an active silence now and a pending one before it starts', () => {
    const active = expiredWindow(silence, T + H);
    expect(active).toEqual({ startsAt: T, endsAt: T + H - 1 });
    expect(silenceState(active, T + H)).toBe('expired');
    const pending = expiredWindow(silence, T - H);
    expect(pending).toEqual({ startsAt: T - H - 1, endsAt: T - H - 1 });
    expect(silenceState(pending, T - H)).toBe('expired');
    // Created and expired within one millisecond.
    expect(silenceState(expiredWindow({ startsAt: T, endsAt: T + H }, T), T)).toBe('expired');
    expect(() => expiredWindow(silence, T + 3 * H)).toThrow(/expired already/);
  });
});

import { describe, expect, it } from 'vitest';
import {
  allowedMoves,
  checkTransition,
  closingAudience,
  closingMessage,
  closingNotificationKey,
  FEEDBACK_STATUSES,
  type FeedbackStatus,
  interviewCadence,
  mergeVotes,
  summariseVotes,
  weekStart,
} from './feedback-workflow.js';

describe('checkTransition', () => {
  const allowed: [FeedbackStatus, FeedbackStatus, string | null][] = [
    ['open', 'under-review', null],
    ['open', 'planned', null],
    ['open', 'in-progress', null],
    ['open', 'done', 'Shipped in 1.4'],
    ['open', 'declined', 'Out of scope'],
    ['under-review', 'open', null],
    ['under-review', 'planned', null],
    ['planned', 'under-review', null],
    ['planned', 'in-progress', null],
    ['in-progress', 'planned', null],
    ['in-progress', 'done', 'Shipped'],
    ['in-progress', 'declined', 'Not after all'],
    ['done', 'open', null],
    ['done', 'in-progress', null],
    ['declined', 'open', null],
    ['declined', 'under-review', null],
  ];
  it.each(allowed)('%s → %s is allowed', (from, to, note) => {
    expect(checkTransition(from, to, note)).toMatchObject({ allowed: true });
  });

  const refused: [FeedbackStatus, FeedbackStatus, string | null, string][] = [
    ['open', 'open', null, 'INVALID_TRANSITION'],
    ['done', 'done', 'again', 'INVALID_TRANSITION'],
    ['planned', 'open', null, 'INVALID_TRANSITION'],
    ['in-progress', 'open', null, 'INVALID_TRANSITION'],
    ['in-progress', 'under-review', null, 'INVALID_TRANSITION'],
    ['done', 'declined', 'x', 'INVALID_TRANSITION'],
    ['declined', 'done', 'x', 'INVALID_TRANSITION'],
    ['open', 'duplicate', null, 'USE_MERGE'],
    ['planned', 'duplicate', 'dup', 'USE_MERGE'],
    ['duplicate', 'open', null, 'INVALID_TRANSITION'],
    ['open', 'done', null, 'NOTE_REQUIRED'],
    ['in-progress', 'done', '   ', 'NOTE_REQUIRED'],
    ['open', 'declined', '', 'NOTE_REQUIRED'],
  ];
  it.each(refused)('%s → %s (note %j) is refused with %s', (from, to, note, code) => {
    expect(checkTransition(from, to, note)).toMatchObject({ allowed: false, code });
  });

  it('says which moves close and which reopen', () => {
    expect(checkTransition('planned', 'done', 'ok')).toEqual({ allowed: true, closes: true, reopens: false });
    expect(checkTransition('done', 'open', null)).toEqual({ allowed: true, closes: false, reopens: true });
    expect(checkTransition('open', 'planned', null)).toEqual({
      allowed: true,
      closes: false,
      reopens: false,
    });
  });

  it('names the allowed moves in the refusal', () => {
    const v = checkTransition('planned', 'open', null);
    expect(v.allowed === false && v.reason).toBe(
      'planned cannot move to open; it can move to under-review, in-progress, done, declined.',
    );
  });

  it('every status but duplicate has a way out; duplicate has none', () => {
    for (const s of FEEDBACK_STATUSES) expect(allowedMoves(s).length > 0).toBe(s !== 'duplicate');
  });
});

describe('votes', () => {
  it('summarises count and mean pain over the pains given', () => {
    expect(summariseVotes([])).toEqual({ votes: 0, meanPain: null });
    expect(summariseVotes([{ pain: null }, { pain: null }])).toEqual({ votes: 2, meanPain: null });
    expect(summariseVotes([{ pain: 5 }, { pain: 4 }, { pain: null }, { pain: 2 }])).toEqual({
      votes: 4,
      meanPain: 3.67,
    });
  });

  it('merges each voter once with the higher pain and the earlier time', () => {
    const kept = [
      { voter: 'alice', pain: 2, at: 10 },
      { voter: 'bob', pain: null, at: 20 },
    ];
    const dup = [
      { voter: 'alice', pain: 4, at: 30 },
      { voter: 'bob', pain: 3, at: 5 },
      { voter: 'carol', pain: null, at: 40 },
    ];
    expect(mergeVotes(kept, dup)).toEqual([
      { voter: 'bob', pain: 3, at: 5 },
      { voter: 'alice', pain: 4, at: 10 },
      { voter: 'carol', pain: null, at: 40 },
    ]);
  });

  it("adds the duplicate's author as a voter unless they voted already", () => {
    expect(mergeVotes([], [], { name: 'dan', at: 7 })).toEqual([{ voter: 'dan', pain: null, at: 7 }]);
    expect(mergeVotes([{ voter: 'dan', pain: 5, at: 9 }], [], { name: 'dan', at: 7 })).toEqual([
      { voter: 'dan', pain: 5, at: 9 },
    ]);
  });
});

describe('you said, we did', () => {
  it('tells the author and each voter once', () => {
    expect(closingAudience('alice', ['bob', 'alice', 'carol', 'bob'])).toEqual(['alice', 'bob', 'carol']);
  });
  it('keys each mail by item, status and user', () => {
    expect(closingNotificationKey('FB-3', 'done', 'bob')).toBe('feedback:FB-3:done:bob');
  });
  it('writes the title, the new status, the note and the link', () => {
    const m = closingMessage({
      itemId: 'FB-3',
      title: 'Flaky deploys',
      status: 'done',
      note: 'Retries added.',
      url: 'https://h.example/feedback/FB-3',
      recipient: 'bob',
      isAuthor: false,
    });
    expect(m.title).toBe('FB-3 is done: Flaky deploys');
    expect(m.text).toContain('You voted for this: "Flaky deploys" (FB-3) is done.');
    expect(m.text).toContain('What the team says: Retries added.');
    expect(m.text).toContain('See it: https://h.example/feedback/FB-3');
    expect(
      closingMessage({
        ...{ itemId: 'FB-1', title: 't', note: 'n', url: 'u', recipient: 'a' },
        status: 'declined',
        isAuthor: true,
      }).text,
    ).toMatch(/^You asked for this: .* was declined\./);
  });
});

describe('interviewCadence', () => {
  const DAY = 86_400_000;
  // Wednesday 2026-11-25 12:00 UTC; its week starts Monday 2026-11-23.
  const now = Date.UTC(2026, 10, 25, 12);
  it('finds Monday 00:00 UTC', () => {
    expect(weekStart(now)).toBe(Date.UTC(2026, 10, 23));
    expect(weekStart(Date.UTC(2026, 10, 29, 23, 59))).toBe(Date.UTC(2026, 10, 23)); // Sunday
    expect(weekStart(Date.UTC(2026, 10, 23))).toBe(Date.UTC(2026, 10, 23));
  });
  it('counts interviews and distinct teams per week, and the teams not heard from', () => {
    const c = interviewCadence(
      [
        { team: 'payments', heldAt: now - DAY }, // this week
        { team: 'payments', heldAt: now }, // this week again
        { team: 'search', heldAt: now - 7 * DAY }, // last week
        { team: 'payments', heldAt: now - 7 * DAY },
        { team: 'growth', heldAt: now - 30 * DAY }, // before the 3 weeks
        { team: 'search', heldAt: now + 10 * DAY }, // after
      ],
      ['payments', 'search', 'growth', 'platform'],
      3,
      now,
    );
    expect(c.weeks).toEqual([
      { start: Date.UTC(2026, 10, 9), interviews: 0, teams: [] },
      { start: Date.UTC(2026, 10, 16), interviews: 2, teams: ['payments', 'search'] },
      { start: Date.UTC(2026, 10, 23), interviews: 2, teams: ['payments'] },
    ]);
    expect(c.notHeardFrom).toEqual(['growth', 'platform']);
    expect(c.weeksWithInterviews).toBe(2);
  });
});

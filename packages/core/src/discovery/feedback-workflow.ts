/**
 * Feedback items' workflow and the pure maths around them: which status moves are allowed (and
 * which need a note), votes summarised, two items' votes merged (each voter once, the higher
 * pain), who hears "you said, we did", and the weekly interview habit. No I/O: the server, the
 * CLI and the web UI give the same answers.
 */

export const FEEDBACK_KINDS = ['pain-point', 'request', 'question', 'praise'] as const;
export type FeedbackKind = (typeof FEEDBACK_KINDS)[number];

export const FEEDBACK_STATUSES = [
  'open',
  'under-review',
  'planned',
  'in-progress',
  'done',
  'declined',
  'duplicate',
] as const;
export type FeedbackStatus = (typeof FEEDBACK_STATUSES)[number];

/** Statuses that close an item (closed_at set) and tell its author and voters. */
export const CLOSING_STATUSES: readonly FeedbackStatus[] = ['done', 'declined'];
/** Statuses a status change must explain: the note is what the author and voters read. */
export const NOTE_REQUIRED: readonly FeedbackStatus[] = ['done', 'declined'];

/**
 * Allowed moves. Forward along open → under-review → planned → in-progress → done, any step may
 * be skipped, and the team may step back (a plan changes). done and declined may be reopened.
 * duplicate is reached only by merging (it moves votes) and is final.
 */
const MOVES: Readonly<Record<FeedbackStatus, readonly FeedbackStatus[]>> = {
  open: ['under-review', 'planned', 'in-progress', 'done', 'declined'],
  'under-review': ['open', 'planned', 'in-progress', 'done', 'declined'],
  planned: ['under-review', 'in-progress', 'done', 'declined'],
  'in-progress': ['planned', 'done', 'declined'],
  done: ['open', 'in-progress'],
  declined: ['open', 'under-review'],
  duplicate: [],
};

export type TransitionVerdict =
  | { allowed: true; closes: boolean; reopens: boolean }
  | { allowed: false; code: 'INVALID_TRANSITION' | 'NOTE_REQUIRED' | 'USE_MERGE'; reason: string };

export function allowedMoves(from: FeedbackStatus): readonly FeedbackStatus[] {
  return MOVES[from];
}

export function checkTransition(
  from: FeedbackStatus,
  to: FeedbackStatus,
  note: string | null | undefined,
): TransitionVerdict {
  if (to === 'duplicate')
    return {
      allowed: false,
      code: 'USE_MERGE',
      reason: 'An item becomes a duplicate by merging it into the item it duplicates (POST …/merge).',
    };
  if (from === 'duplicate')
    return {
      allowed: false,
      code: 'INVALID_TRANSITION',
      reason: 'A duplicate is final: vote, comment and change status on the item it was merged into.',
    };
  if (!MOVES[from].includes(to)) {
    const options = MOVES[from].join(', ');
    return {
      allowed: false,
      code: 'INVALID_TRANSITION',
      reason:
        from === to
          ? `The item is already ${to}.`
          : `${from} cannot move to ${to}; it can move to ${options}.`,
    };
  }
  if (NOTE_REQUIRED.includes(to) && (note ?? '').trim() === '')
    return {
      allowed: false,
      code: 'NOTE_REQUIRED',
      reason: `Moving to ${to} needs a note: it is what the author and the voters are told.`,
    };
  return { allowed: true, closes: CLOSING_STATUSES.includes(to), reopens: CLOSING_STATUSES.includes(from) };
}

export interface Vote {
  voter: string;
  /** 1–5, null when the voter did not say how much it hurts. */
  pain: number | null;
  /** Epoch milliseconds. */
  at: number;
}

export interface VoteSummary {
  votes: number;
  /** Mean of the pains given, rounded to two decimals; null when nobody gave one. */
  meanPain: number | null;
}

export function summariseVotes(votes: readonly Pick<Vote, 'pain'>[]): VoteSummary {
  const pains = votes.map((v) => v.pain).filter((p): p is number => p !== null);
  const meanPain =
    pains.length === 0 ? null : Math.round((pains.reduce((a, b) => a + b, 0) / pains.length) * 100) / 100;
  return { votes: votes.length, meanPain };
}

const maxPain = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));

/**
 * The kept item's votes after merging a duplicate into it: every voter once, with the higher pain
 * when they voted on both and the earlier time. The duplicate's author counts as a voter on the
 * kept item (pain null unless they voted), so they are told when it ships.
 */
export function mergeVotes(
  kept: readonly Vote[],
  duplicate: readonly Vote[],
  duplicateAuthor: { name: string; at: number } | null = null,
): Vote[] {
  const byVoter = new Map<string, Vote>();
  const add = (v: Vote) => {
    const had = byVoter.get(v.voter);
    byVoter.set(
      v.voter,
      had ? { voter: v.voter, pain: maxPain(had.pain, v.pain), at: Math.min(had.at, v.at) } : { ...v },
    );
  };
  for (const v of kept) add(v);
  for (const v of duplicate) add(v);
  if (duplicateAuthor && !byVoter.has(duplicateAuthor.name))
    add({ voter: duplicateAuthor.name, pain: null, at: duplicateAuthor.at });
  return [...byVoter.values()].sort((a, b) => a.at - b.at || a.voter.localeCompare(b.voter));
}

/** Who hears about a closing status: the author and every voter, each once, in a stable order. */
export function closingAudience(author: string, voters: readonly string[]): string[] {
  return [...new Set([author, ...voters])];
}

/** The idempotency key of one "you said, we did" mail: a repeated change never mails twice. */
export const closingNotificationKey = (itemId: string, status: FeedbackStatus, user: string) =>
  `feedback:${itemId}:${status}:${user}`;

export interface ClosingMessageInput {
  itemId: string;
  title: string;
  status: FeedbackStatus;
  note: string;
  url: string;
  recipient: string;
  /** The recipient wrote the item (else they voted for it). */
  isAuthor: boolean;
}

/** Subject and text of the "you said, we did" mail. */
export function closingMessage(input: ClosingMessageInput): { title: string; text: string } {
  const verdict = input.status === 'done' ? 'is done' : 'was declined';
  const why = input.isAuthor ? 'You asked for this' : 'You voted for this';
  return {
    title: `${input.itemId} ${verdict}: ${input.title}`,
    text: [
      `${why}: "${input.title}" (${input.itemId}) ${verdict}.`,
      '',
      `What the team says: ${input.note}`,
      '',
      `See it: ${input.url}`,
    ].join('\n'),
  };
}

const WEEK_MS = 7 * 86_400_000;

/** Monday 00:00 UTC of the week holding `t`. */
export function weekStart(t: number): number {
  const d = new Date(t);
  const day = (d.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - day * 86_400_000;
}

export interface CadenceInterview {
  team: string;
  heldAt: number;
}

export interface CadenceWeek {
  /** Monday 00:00 UTC. */
  start: number;
  interviews: number;
  /** Distinct teams heard from that week, by name. */
  teams: string[];
}

export interface Cadence {
  weeks: CadenceWeek[];
  /** Teams (of `allTeams`) with no interview in any of the weeks. */
  notHeardFrom: string[];
  /** Weeks with at least one interview, of the weeks counted. */
  weeksWithInterviews: number;
}

/**
 * The weekly user-interview habit over the `weeks` weeks ending with the one holding `now`
 * (oldest first; UTC weeks from Monday). Interviews outside them are ignored.
 */
export function interviewCadence(
  interviews: readonly CadenceInterview[],
  allTeams: readonly string[],
  weeks: number,
  now: number,
): Cadence {
  const last = weekStart(now);
  const first = last - (weeks - 1) * WEEK_MS;
  const out: CadenceWeek[] = [];
  const teamsOf: Set<string>[] = [];
  for (let i = 0; i < weeks; i++) {
    out.push({ start: first + i * WEEK_MS, interviews: 0, teams: [] });
    teamsOf.push(new Set());
  }
  const heard = new Set<string>();
  for (const iv of interviews) {
    if (iv.heldAt < first || iv.heldAt >= last + WEEK_MS) continue;
    const i = Math.floor((weekStart(iv.heldAt) - first) / WEEK_MS);
    out[i]!.interviews++;
    teamsOf[i]!.add(iv.team);
    heard.add(iv.team);
  }
  out.forEach((w, i) => {
    w.teams = [...teamsOf[i]!].sort();
  });
  return {
    weeks: out,
    notHeardFrom: [...new Set(allTeams)].filter((t) => !heard.has(t)).sort(),
    weeksWithInterviews: out.filter((w) => w.interviews > 0).length,
  };
}

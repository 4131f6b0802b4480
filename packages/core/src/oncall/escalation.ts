/**
 * Escalation of one alert group under a policy, as a pure state machine with the clock passed in
 * (never timers), so the server can persist the state, wake at `nextAt`, and tests can run time.
 *
 * The policy's notifications form one fixed sequence: steps 1…n, repeated `repeat` more times.
 * Notification 0 is due at the start; notification k+1 is due the step's delay after notification
 * k was *due*. Times come from the schedule, not from when `advance` happened to run, so calling
 * `advance` late (after a restart) emits every notification that became due, in order, each with
 * its own due time — the same list as calling it every millisecond. Acknowledge or resolve stops
 * the escalation for good (a new page starts a new escalation).
 */

/** Whom a step notifies: a schedule (whoever is on call then), a user, or a notification channel. */
export type EscalationTarget = { schedule: string } | { user: string } | { channel: string };

/** The part of a step the state machine reads. */
export interface EscalationStepSpec {
  /** The wait after this step is notified before the next step (or the repeat, or the end). */
  delayMs: number;
  /** The delay as written (`5m`), for explanations; derived from delayMs when absent. */
  delay?: string;
  notify: readonly EscalationTarget[];
}

/** The part of a policy the state machine reads (config's EscalationPolicy fits it). */
export interface EscalationPolicySpec {
  steps: readonly EscalationStepSpec[];
  /** How many more times the whole policy runs after the last step: 0 = once. */
  repeat: number;
}

export type EscalationStatus = 'active' | 'acknowledged' | 'resolved' | 'exhausted';

/** Plain JSON: store it with the alert group and hand it back to `advance`. */
export interface EscalationState {
  startedAt: number;
  /** Notifications emitted so far (across cycles); the next one is number `sent`. */
  sent: number;
  /** When the next notification (or, after the last, the end of the escalation) is due. */
  nextAt: number;
  /** The last notification emitted, with its due time. */
  last: { stepIndex: number; cycle: number; at: number } | null;
  status: EscalationStatus;
  /** When it stopped: the `now` that saw the acknowledgement or resolve, or the end of the last delay. */
  stoppedAt: number | null;
}

export interface EscalationFacts {
  acknowledged: boolean;
  resolved: boolean;
}

/** One step to notify now. */
export interface DueNotification {
  /** 0-based index into policy.steps. */
  stepIndex: number;
  /** 0-based run of the policy: 0 is the first run, 1 the first repeat. */
  cycle: number;
  targets: EscalationTarget[];
  /** When it was due (epoch ms); may be before `now` when advance ran late. */
  at: number;
  /** e.g. "Step 2 of 3 (cycle 1 of 2) at 14:35:00 because step 1 (notified 14:30:00) was not acknowledged within 5m". */
  explanation: string;
}

export interface AdvanceResult {
  state: EscalationState;
  /** Steps that became due by `now` and were not emitted before, in order. */
  due: DueNotification[];
  /** When to call advance again; null once the escalation has stopped or is exhausted. */
  nextAt: number | null;
  explanation: string;
}

export interface ExplainOptions {
  /** IANA zone for the clock times in explanations; UTC when absent. */
  timeZone?: string;
}

/** Total notifications a policy sends when nobody acknowledges. */
export function notificationCount(policy: EscalationPolicySpec): number {
  return policy.steps.length * (Math.max(0, Math.floor(policy.repeat)) + 1);
}

/** `300000` → `5m`, `5400000` → `1h30m`, `1500` → `1.5s`. */
export function formatDelay(ms: number): string {
  if (ms % 60_000 !== 0) return `${ms / 1000}s`;
  const minutes = ms / 60_000;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m}m`;
  return m === 0 ? `${h}h` : `${h}h${m}m`;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** `14:35:00` in the zone given (UTC by default). */
export function clockTime(ms: number, options: ExplainOptions = {}): string {
  const zone = options.timeZone ?? 'UTC';
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(zone, f);
  }
  return f.format(ms);
}

const delayText = (step: EscalationStepSpec) => step.delay ?? formatDelay(step.delayMs);

function where(policy: EscalationPolicySpec, stepIndex: number, cycle: number): string {
  const cycles = Math.floor(policy.repeat) + 1;
  const c = cycles > 1 ? ` (cycle ${cycle + 1} of ${cycles})` : '';
  return `step ${stepIndex + 1} of ${policy.steps.length}${c}`;
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function explainDue(
  policy: EscalationPolicySpec,
  stepIndex: number,
  cycle: number,
  at: number,
  previous: EscalationState['last'],
  o: ExplainOptions,
): string {
  const head = `${capital(where(policy, stepIndex, cycle))} at ${clockTime(at, o)}`;
  if (previous === null) return `${head}: the escalation started`;
  const prevStep = policy.steps[previous.stepIndex];
  const within = prevStep ? delayText(prevStep) : formatDelay(at - previous.at);
  const prev =
    previous.cycle === cycle
      ? `step ${previous.stepIndex + 1}`
      : where(policy, previous.stepIndex, previous.cycle);
  const why = `${head} because ${prev} (notified ${clockTime(previous.at, o)}) was not acknowledged within ${within}`;
  if (cycle === previous.cycle) return why;
  const left = Math.floor(policy.repeat) - cycle;
  return `${why}; the policy starts again (${left === 0 ? 'last run' : `${left} more ${left === 1 ? 'run' : 'runs'} after this`})`;
}

/** A new escalation at `at`; the first `advance` at or after `at` emits step 1. */
export function startEscalation(policy: EscalationPolicySpec, at: number): EscalationState {
  if (policy.steps.length === 0) throw new Error('An escalation policy needs at least one step.');
  return { startedAt: at, sent: 0, nextAt: at, last: null, status: 'active', stoppedAt: null };
}

function stopped(policy: EscalationPolicySpec, state: EscalationState, o: ExplainOptions): AdvanceResult {
  const when = state.stoppedAt === null ? '' : ` at ${clockTime(state.stoppedAt, o)}`;
  const lastText =
    state.last === null
      ? 'before any step was notified'
      : `after ${where(policy, state.last.stepIndex, state.last.cycle)} (notified ${clockTime(state.last.at, o)})`;
  const explanation =
    state.status === 'exhausted'
      ? `The policy is exhausted${when}: ${state.last === null ? 'no step' : where(policy, state.last.stepIndex, state.last.cycle)} was the last and was not acknowledged within ${
          state.last && policy.steps[state.last.stepIndex]
            ? delayText(policy.steps[state.last.stepIndex]!)
            : 'its delay'
        }; no repeats remain, so nothing more is sent`
      : `Escalation stopped${when} because the alert group was ${state.status} ${lastText}; nothing more is sent`;
  return { state, due: [], nextAt: null, explanation };
}

/**
 * Moves the escalation to `now`: returns the notifications that became due since the last call
 * (in order, each with its due time), the new state, and when to call again. Resolve or
 * acknowledge (resolve wins when both) stops it: nothing due at or after `now` is sent, and
 * nothing that was due earlier but not yet emitted is sent either — someone already has it.
 * Does not change `state`.
 */
export function advance(
  policy: EscalationPolicySpec,
  state: EscalationState,
  now: number,
  facts: EscalationFacts,
  options: ExplainOptions = {},
): AdvanceResult {
  if (state.status !== 'active') return stopped(policy, state, options);
  if (facts.resolved || facts.acknowledged) {
    const status = facts.resolved ? 'resolved' : 'acknowledged';
    const next = { ...state, status, stoppedAt: now } satisfies EscalationState;
    const result = stopped(policy, next, options);
    const total = notificationCount(policy);
    if (state.sent < total && policy.steps.length > 0) {
      const idx = state.sent % policy.steps.length;
      const cycle = Math.floor(state.sent / policy.steps.length);
      result.explanation = result.explanation.replace(
        /nothing more is sent$/,
        `${where(policy, idx, cycle)} (due ${clockTime(state.nextAt, options)}) and later steps are not sent`,
      );
    }
    return result;
  }

  const n = policy.steps.length;
  const total = notificationCount(policy);
  let { sent, nextAt, last } = state;
  const due: DueNotification[] = [];
  // A policy edited to fewer steps mid-escalation: what was sent stays sent; the rest is over.
  while (sent < total && nextAt <= now) {
    const stepIndex = sent % n;
    const cycle = Math.floor(sent / n);
    const step = policy.steps[stepIndex]!;
    due.push({
      stepIndex,
      cycle,
      targets: [...step.notify],
      at: nextAt,
      explanation: explainDue(policy, stepIndex, cycle, nextAt, last, options),
    });
    last = { stepIndex, cycle, at: nextAt };
    nextAt += step.delayMs;
    sent += 1;
  }
  const base: EscalationState = { ...state, sent, nextAt, last };
  if (sent >= total && nextAt <= now) {
    const exhausted = stopped(policy, { ...base, status: 'exhausted', stoppedAt: nextAt }, options);
    return {
      ...exhausted,
      due,
      explanation: [...due.map((d) => d.explanation), exhausted.explanation].join('. '),
    };
  }
  const upcoming =
    sent < total
      ? `next: ${where(policy, sent % n, Math.floor(sent / n))} at ${clockTime(nextAt, options)} unless acknowledged or resolved`
      : `next: the policy is exhausted at ${clockTime(nextAt, options)} unless acknowledged or resolved (no repeats remain)`;
  const explanation =
    due.length > 0
      ? `${due.map((d) => d.explanation).join('. ')}; ${upcoming}`
      : now < state.startedAt
        ? `Not started yet: ${upcoming}`
        : `Nothing due at ${clockTime(now, options)}; ${upcoming}`;
  return { state: base, due, nextAt, explanation };
}

/** A concrete recipient of a step. `via` names the target it came from (the schedule for on-call users). */
export type Recipient = { user: string; via: EscalationTarget } | { channel: string; via: EscalationTarget };

export interface TargetLookup {
  /** The user on call in a schedule at `at`, null for nobody; may throw for a schedule that is gone. */
  onCall(schedule: string, at: number): string | null;
  userExists(name: string): boolean;
}

export interface ResolvedTargets {
  /** In the order of the targets, each user and channel once (named directly and on call too: once). */
  recipients: Recipient[];
  /** Why a target gave nobody: no one on call, an unknown user, a schedule that could not be read. */
  notes: string[];
  explanation: string;
}

/**
 * The recipients of a step due at `at`. A target that gives nobody does not stop the step: the
 * others are notified, and `notes` say why one was skipped.
 */
export function resolveTargets(
  targets: readonly EscalationTarget[],
  lookup: TargetLookup,
  at: number,
  options: ExplainOptions = {},
): ResolvedTargets {
  const recipients: Recipient[] = [];
  const notes: string[] = [];
  const described: string[] = [];
  const users = new Set<string>();
  const channels = new Set<string>();
  const addUser = (user: string, via: EscalationTarget, how: string) => {
    if (users.has(user)) return;
    users.add(user);
    recipients.push({ user, via });
    described.push(how);
  };
  for (const target of targets) {
    if ('schedule' in target) {
      let user: string | null;
      try {
        user = lookup.onCall(target.schedule, at);
      } catch (e) {
        notes.push(`schedule '${target.schedule}' could not be read (${(e as Error).message}); skipped`);
        continue;
      }
      if (user === null)
        notes.push(`nobody was on call in schedule '${target.schedule}' at ${clockTime(at, options)}`);
      else if (!lookup.userExists(user))
        notes.push(`'${user}', on call in schedule '${target.schedule}', is not a user; skipped`);
      else addUser(user, target, `${user} (on call in ${target.schedule})`);
    } else if ('user' in target) {
      if (!lookup.userExists(target.user)) notes.push(`user '${target.user}' does not exist; skipped`);
      else addUser(target.user, target, target.user);
    } else if (!channels.has(target.channel)) {
      channels.add(target.channel);
      recipients.push({ channel: target.channel, via: target });
      described.push(`channel ${target.channel}`);
    }
  }
  const who = described.length > 0 ? `Notifying ${described.join(', ')}` : 'Nobody to notify';
  const explanation = notes.length > 0 ? `${who}; ${notes.join('; ')}` : who;
  return { recipients, notes, explanation };
}

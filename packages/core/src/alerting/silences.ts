/**
 * Silences as Alertmanager keeps them (silence/silence.go): matchers and a time range.
 *
 * - State at a time: `pending` before `startsAt`, `expired` after `endsAt`, `active` in between
 *   (both ends included).
 * - Only active silences mute; a silence mutes an alert when all its matchers match the alert's
 *   labels (an absent label is the empty string).
 * - A silence needs at least one matcher, and at least one that does not match the empty string
 *   (`=`/`=~` accepting ""; negative matchers never count), so it cannot mute every alert.
 * - Expiring ends it now; a pending silence is expired without ever starting. Expired silences
 *   stay in history.
 */
import { type Labels, type Matcher, matches, matchesEmpty } from './matchers.js';

export type SilenceState = 'pending' | 'active' | 'expired';
export const SILENCE_STATES: readonly SilenceState[] = ['active', 'pending', 'expired'];

export interface SilenceWindow {
  /** Epoch ms. */
  startsAt: number;
  endsAt: number;
}

export interface SilenceRule extends SilenceWindow {
  id: string;
  matchers: readonly Matcher[];
}

export function silenceState(silence: SilenceWindow, now: number): SilenceState {
  if (now < silence.startsAt) return 'pending';
  if (now > silence.endsAt) return 'expired';
  return 'active';
}

/** Ids of the active silences that mute an alert with these labels, in the order given. */
export function silencedBy(labels: Labels, silences: readonly SilenceRule[], now: number): string[] {
  return silences
    .filter((s) => silenceState(s, now) === 'active' && matches(s.matchers, labels))
    .map((s) => s.id);
}

export interface SilenceProblem {
  field: 'matchers' | 'startsAt' | 'endsAt';
  message: string;
}

/** Alertmanager's checks of a silence's content. */
export function checkSilence(silence: { matchers: readonly Matcher[] } & SilenceWindow): SilenceProblem[] {
  const problems: SilenceProblem[] = [];
  if (silence.matchers.length === 0)
    problems.push({ field: 'matchers', message: 'at least one matcher is required' });
  else if (silence.matchers.every(matchesEmpty))
    problems.push({
      field: 'matchers',
      message:
        'at least one matcher must not match the empty string, or the silence would mute alerts that lack the label',
    });
  if (silence.endsAt < silence.startsAt)
    problems.push({ field: 'endsAt', message: 'must not be before startsAt' });
  return problems;
}

/**
 * The time range of a silence expired at `now`. It ends a millisecond before `now`, so it is
 * expired from the moment of the request on (Alertmanager's nanosecond clock gives the same in
 * practice); a pending silence collapses to that instant. Throws when it is expired already.
 */
export function expiredWindow(silence: SilenceWindow, now: number): SilenceWindow {
  const state = silenceState(silence, now);
  if (state === 'expired') throw new Error('the silence has expired already');
  const end = now - 1;
  return { startsAt: Math.min(silence.startsAt, end), endsAt: end };
}

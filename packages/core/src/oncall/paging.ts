/**
 * Paging: what the server does with one page (an escalation of an alert group under a policy) at
 * one instant, as pure functions over rows, so the job that runs it only reads, calls and writes.
 *
 * - `pageFacts`: whether the group is resolved (gone, or nothing firing) from its rows.
 * - `advancePage`: escalation.ts's `advance`, each due step numbered (the notification's sequence
 *   number across cycles, which keys the outbox), and a log entry when the page stops.
 * - `pageDeliveries`: for the due steps and their resolved recipients, one outbox request per
 *   recipient (users by e-mail, channels by name) and the log entries saying whom each step
 *   reached and whom it could not (a user without an e-mail address is logged, never dropped).
 */
import type { NotificationMessage } from '../api/notification.js';
import {
  type AdvanceResult,
  advance,
  type DueNotification,
  type EscalationFacts,
  type EscalationPolicySpec,
  type EscalationState,
  type EscalationTarget,
  type ExplainOptions,
  formatDelay,
  notificationCount,
  type ResolvedTargets,
} from './escalation.js';

export type PageStatus = 'active' | 'acknowledged' | 'resolved' | 'exhausted' | 'cancelled';
export type AckVia = 'api' | 'cli' | 'link';

export type PageLogKind =
  | 'page-started'
  | 'page-not-started'
  | 'step-notified'
  | 'target-unreachable'
  | 'acknowledged'
  | 'resolved'
  | 'exhausted'
  | 'cancelled'
  | 'incident-declared'
  | 'incident-not-declared';

export interface PageLogEntry {
  at: number;
  kind: PageLogKind;
  text: string;
  data: Record<string, unknown>;
}

/** Outbox channel names for a person's own address: never a NotificationChannel name (no colon there). */
const MAILTO = 'mailto:';
export const userEmailChannel = (address: string) => `${MAILTO}${address}`;
/** The address of a `mailto:` outbox channel, or null for a NotificationChannel name. */
export function emailOfChannel(channel: string): string | null {
  return channel.startsWith(MAILTO) && channel.length > MAILTO.length ? channel.slice(MAILTO.length) : null;
}

export interface GroupFacts {
  /** The group row exists (it is deleted after its last alert resolved and was notified). */
  exists: boolean;
  /** Members still firing (muted ones included: a silence does not end the page). */
  firing: number;
}

export function pageFacts(group: GroupFacts, acknowledged = false): EscalationFacts {
  return { acknowledged, resolved: !group.exists || group.firing === 0 };
}

/** Whether a flushed group starts a page: its route pages, it fires, and it has none yet. */
export function pageToStart(input: { policy: string | null; hasPage: boolean; firing: number }): boolean {
  return input.policy !== null && !input.hasPage && input.firing > 0;
}

export function pageStartedEntry(policyName: string, policy: EscalationPolicySpec, at: number): PageLogEntry {
  const repeat = Math.floor(policy.repeat);
  const steps = `${policy.steps.length} step${policy.steps.length === 1 ? '' : 's'}`;
  return {
    at,
    kind: 'page-started',
    text: `Paging with escalation policy '${policyName}' (${steps}${repeat > 0 ? `, repeated ${repeat} more time${repeat === 1 ? '' : 's'}` : ''}, ${notificationCount(policy)} notifications at most)`,
    data: { policy: policyName },
  };
}

export interface NumberedStep {
  /** The notification's sequence number in the page (0 first), across cycles. */
  n: number;
  due: DueNotification;
}

export interface PageAdvance {
  result: AdvanceResult;
  steps: NumberedStep[];
  /** When the page stopped in this call: acknowledged, resolved or exhausted. */
  stopped: PageLogEntry | null;
}

export function advancePage(
  policy: EscalationPolicySpec,
  state: EscalationState,
  now: number,
  facts: EscalationFacts,
  options: ExplainOptions = {},
  stoppedBy?: { by: string; via: AckVia },
): PageAdvance {
  const result = advance(policy, state, now, facts, options);
  const steps = result.due.map((due, i) => ({ n: state.sent + i, due }));
  let stopped: PageLogEntry | null = null;
  const status = result.state.status;
  if (state.status === 'active' && status !== 'active') {
    const at = result.state.stoppedAt ?? now;
    const text =
      status === 'acknowledged' && stoppedBy
        ? `Acknowledged by ${stoppedBy.by} (${stoppedBy.via}). ${result.explanation}`
        : status === 'resolved'
          ? `Resolved: every alert of the group resolved. ${result.explanation}`
          : result.explanation;
    stopped = {
      at,
      kind: status,
      text,
      data: { sent: result.state.sent, ...(stoppedBy && { by: stoppedBy.by, via: stoppedBy.via }) },
    };
  }
  return { result, steps, stopped };
}

/** One outbox notification of a page. */
export interface PageNotification {
  channel: string;
  idempotencyKey: string;
  message: NotificationMessage;
  /** Who it is for: a user name or `channel:<name>`. */
  recipient: string;
}

export interface PageContext {
  pageId: string;
  groupId: string;
  policy: EscalationPolicySpec & { name?: string };
  /** What is firing, e.g. "InstanceDown (2 alerts)". */
  title: string;
  labels: Record<string, string>;
  /** The alert group in Headroom's UI/API. */
  groupUrl: string;
  /** The signed acknowledgement link for one recipient. */
  ackUrl(recipient: string): string;
  /** The user's e-mail address, null when the user has none. */
  emailOf(user: string): string | null;
}

export interface StepWithRecipients extends NumberedStep {
  resolved: ResolvedTargets;
}

const targetKey = (t: EscalationTarget) =>
  'schedule' in t ? `schedule:${t.schedule}` : 'user' in t ? `user:${t.user}` : `channel:${t.channel}`;

export function pageDeliveries(
  ctx: PageContext,
  steps: readonly StepWithRecipients[],
): { outbox: PageNotification[]; log: PageLogEntry[] } {
  const outbox: PageNotification[] = [];
  const log: PageLogEntry[] = [];
  for (const { n, due, resolved } of steps) {
    const step = ctx.policy.steps[due.stepIndex];
    const isLast = n + 1 >= notificationCount(ctx.policy);
    const within = step ? (step.delay ?? formatDelay(step.delayMs)) : null;
    const reached: { recipient: string; channel: string; via: string }[] = [];
    const unreachable: string[] = [];
    for (const r of resolved.recipients) {
      const recipient = 'user' in r ? r.user : `channel:${r.channel}`;
      let channel: string;
      if ('user' in r) {
        const email = ctx.emailOf(r.user);
        if (email === null) {
          unreachable.push(r.user);
          log.push({
            at: due.at,
            kind: 'target-unreachable',
            text: `${r.user} was not paged: the user has no e-mail address (set one on the user)`,
            data: { n, step: due.stepIndex + 1, cycle: due.cycle + 1, user: r.user, via: targetKey(r.via) },
          });
          continue;
        }
        channel = userEmailChannel(email);
      } else channel = r.channel;
      const ack = ctx.ackUrl(recipient);
      const text = [
        due.explanation,
        resolved.explanation,
        isLast || within === null
          ? 'This is the last step of the policy.'
          : `Acknowledge within ${within} or the next step is paged.`,
        `Acknowledge: ${ack}`,
      ].join('\n');
      outbox.push({
        channel,
        recipient,
        idempotencyKey: `page:${ctx.pageId}:${n}:${'user' in r ? `user:${r.user}` : `channel:${r.channel}`}`,
        message: {
          title: `Page: ${ctx.title}`,
          text,
          severity: 'critical',
          status: 'firing',
          labels: ctx.labels,
          links: [
            { url: ack, title: 'Acknowledge' },
            { url: ctx.groupUrl, title: 'Alert group' },
          ],
          data: {
            kind: 'page',
            pageId: ctx.pageId,
            groupId: ctx.groupId,
            policy: ctx.policy.name ?? null,
            step: due.stepIndex + 1,
            cycle: due.cycle + 1,
            notification: n,
            recipient,
            acknowledgeUrl: ack,
          },
        },
      });
      reached.push({ recipient, channel, via: targetKey(r.via) });
    }
    const whom =
      reached.length > 0 ? `Reached ${reached.map((r) => r.recipient).join(', ')}.` : 'Reached nobody.';
    log.push({
      at: due.at,
      kind: 'step-notified',
      text: `${due.explanation}. ${resolved.explanation}. ${whom}`,
      data: {
        n,
        step: due.stepIndex + 1,
        cycle: due.cycle + 1,
        reached,
        unreachable,
        notes: resolved.notes,
      },
    });
  }
  return { outbox, log };
}

/** Tier names as configured (`tier-1`, `1`, `Tier 2`) → tier numbers; throws on anything else. */
export function parseTiers(text: string | undefined): number[] {
  if (text === undefined || text.trim() === '' || text.trim().toLowerCase() === 'off') return [];
  return text.split(',').map((part) => {
    const m = /^\s*(?:tier[-_ ]?)?(\d+)\s*$/i.exec(part);
    if (!m) throw new Error(`'${part.trim()}' is not a tier: write tier-1, tier-2 … or 1, 2 …`);
    return Number(m[1]);
  });
}

/** Catalog services (with their tiers) named by the `service` label of firing alerts that are in `tiers`. */
export function autoDeclareServices(
  serviceLabels: readonly string[],
  tierOf: ReadonlyMap<string, number>,
  tiers: readonly number[],
): string[] {
  return [...new Set(serviceLabels)].filter((s) => {
    const tier = tierOf.get(s);
    return tier !== undefined && tiers.includes(tier);
  });
}

export type { EscalationState };

/**
 * Blameless postmortems (Google SRE book, "Postmortem Culture"), their action items, and the
 * rule that decides whether an incident may be closed.
 *
 * A postmortem is required when either
 * - the incident's severity is in `policy.requiredSeverities` (default SEV1 and SEV2), or
 * - it consumed more than `policy.budgetThreshold` (default 20 %) of some SLO's four-week error
 *   budget — the SRE Workbook's example error budget policy — and then it must also have at least
 *   one P0 action item.
 * A required postmortem must be published before the incident may be closed.
 */
import { type FieldProblem, InputError } from '../errors.js';
import type { Incident, Severity } from './model.js';

export const POSTMORTEM_SECTIONS = [
  { key: 'summary', title: 'Summary', prompt: 'What happened, in two or three sentences.' },
  { key: 'impact', title: 'Impact', prompt: 'Who was affected, how, for how long; error budget consumed.' },
  { key: 'timeline', title: 'Timeline', prompt: 'Key moments, from the incident timeline.' },
  {
    key: 'rootCauses',
    title: 'Root causes and contributing factors',
    prompt: 'The conditions that made this possible — systems and processes, never people.',
  },
  { key: 'trigger', title: 'Trigger', prompt: 'What set it off.' },
  { key: 'detection', title: 'Detection', prompt: 'How we found out, and how we could have sooner.' },
  { key: 'resolution', title: 'Resolution', prompt: 'What mitigated and then fixed it.' },
  { key: 'whatWentWell', title: 'What went well', prompt: '' },
  { key: 'whatWentWrong', title: 'What went wrong', prompt: '' },
  { key: 'whereWeGotLucky', title: 'Where we got lucky', prompt: '' },
  { key: 'actionItems', title: 'Action items', prompt: 'Listed from the tracked action items.' },
] as const;
export type PostmortemSectionKey = (typeof POSTMORTEM_SECTIONS)[number]['key'];

/** Sections that must say something before a postmortem is published. */
export const PUBLISH_REQUIRED_SECTIONS: readonly PostmortemSectionKey[] = [
  'summary',
  'impact',
  'timeline',
  'rootCauses',
];

export const POSTMORTEM_STATUSES = ['draft', 'in-review', 'published'] as const;
export type PostmortemStatus = (typeof POSTMORTEM_STATUSES)[number];

export interface Postmortem {
  incidentId: string;
  status: PostmortemStatus;
  /** Markdown per section; every key is present ('' = not written). */
  sections: Record<PostmortemSectionKey, string>;
  authors: string[];
  createdAt: number;
  updatedAt: number;
  publishedAt: number | null;
}

export const ACTION_ITEM_PRIORITIES = ['P0', 'P1', 'P2', 'P3'] as const;
export type ActionItemPriority = (typeof ACTION_ITEM_PRIORITIES)[number];
export const ACTION_ITEM_STATUSES = ['open', 'in-progress', 'done', 'wont-do'] as const;
export type ActionItemStatus = (typeof ACTION_ITEM_STATUSES)[number];

export interface ActionItem {
  id: string;
  incidentId: string;
  /** The catalog service it improves, if one. */
  service: string | null;
  title: string;
  owner: string;
  priority: ActionItemPriority;
  /** Local date `YYYY-MM-DD`; null = no date. */
  dueDate: string | null;
  status: ActionItemStatus;
  /** Link to the ticket in the team's tracker. */
  ticketUrl: string | null;
}

export interface PostmortemPolicy {
  requiredSeverities: readonly Severity[];
  /** Fraction (0–1) of an SLO's four-week budget; more than this requires a postmortem with a P0. */
  budgetThreshold: number;
}

export const DEFAULT_POSTMORTEM_POLICY: PostmortemPolicy = {
  requiredSeverities: ['SEV1', 'SEV2'],
  budgetThreshold: 0.2,
};

/** Error budget an incident consumed of one SLO, as a fraction of its four-week budget. */
export interface BudgetConsumed {
  slo: string;
  fraction: number;
}

export interface PostmortemRequirement {
  required: boolean;
  p0ActionItemRequired: boolean;
  /** Why, one sentence each; empty when not required. */
  reasons: string[];
}

const pct = (f: number) => `${(Math.round(f * 1000) / 10).toString()} %`;

export function postmortemRequirement(
  incident: Pick<Incident, 'severity'>,
  budgetConsumed: readonly BudgetConsumed[] = [],
  policy: PostmortemPolicy = DEFAULT_POSTMORTEM_POLICY,
): PostmortemRequirement {
  const reasons: string[] = [];
  if (policy.requiredSeverities.includes(incident.severity)) {
    reasons.push(`${incident.severity} incidents require a postmortem.`);
  }
  const over = budgetConsumed.filter((b) => b.fraction > policy.budgetThreshold);
  for (const b of over) {
    reasons.push(
      `it consumed ${pct(b.fraction)} of SLO '${b.slo}' four-week error budget (more than ${pct(policy.budgetThreshold)}).`,
    );
  }
  return { required: reasons.length > 0, p0ActionItemRequired: over.length > 0, reasons };
}

export interface ClosingContext {
  /** The incident's postmortem, null when none was started. */
  postmortem?: Postmortem | null;
  actionItems?: readonly ActionItem[];
  budgetConsumed?: readonly BudgetConsumed[];
  policy?: PostmortemPolicy;
}

/**
 * What stands between the incident and closing; empty = it may close. Only a resolved incident
 * closes (the status rule); this answers the postmortem rule.
 */
export function closingBlockers(incident: Incident, ctx: ClosingContext = {}): string[] {
  const req = postmortemRequirement(incident, ctx.budgetConsumed, ctx.policy);
  if (!req.required) return [];
  const why = `A postmortem is required because ${req.reasons.join(' and ').replace(/\.(?= and )/g, '')}`;
  const blockers: string[] = [];
  const pm = ctx.postmortem ?? null;
  if (pm === null) blockers.push(`${why} None has been started.`);
  else if (pm.status !== 'published') blockers.push(`${why} It is still ${pm.status}; publish it first.`);
  if (req.p0ActionItemRequired) {
    const p0 = (ctx.actionItems ?? []).filter((a) => a.incidentId === incident.id && a.priority === 'P0');
    if (p0.length === 0) {
      blockers.push('An incident over the error budget threshold needs at least one P0 action item.');
    }
  }
  return blockers;
}

/** Problems that keep a postmortem from being published (empty required sections). */
export function publishProblems(pm: Postmortem): FieldProblem[] {
  return PUBLISH_REQUIRED_SECTIONS.filter((k) => pm.sections[k].trim() === '').map((k) => ({
    path: `/sections/${k}`,
    code: 'SECTION_EMPTY',
    message: `${POSTMORTEM_SECTIONS.find((s) => s.key === k)!.title} must be written before publishing.`,
  }));
}

export function publishPostmortem(pm: Postmortem, now: number): Postmortem {
  const problems = publishProblems(pm);
  const first = problems[0];
  if (first) throw new InputError(`${first.path} ${first.message}`, problems, 'POSTMORTEM_INCOMPLETE');
  return { ...pm, status: 'published', publishedAt: pm.publishedAt ?? now, updatedAt: now };
}

/** An empty postmortem with every section present. */
export function emptySections(): Record<PostmortemSectionKey, string> {
  return Object.fromEntries(POSTMORTEM_SECTIONS.map((s) => [s.key, ''])) as Record<
    PostmortemSectionKey,
    string
  >;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function validDate(s: string): boolean {
  if (!DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** Checks an action item's fields; throws an InputError naming each bad one. */
export function validateActionItem(item: Omit<ActionItem, 'id'>): void {
  const problems: FieldProblem[] = [];
  if (item.title.trim() === '') problems.push({ path: '/title', message: 'title must not be empty.' });
  if (item.owner.trim() === '') problems.push({ path: '/owner', message: 'owner must not be empty.' });
  if (!ACTION_ITEM_PRIORITIES.includes(item.priority)) {
    problems.push({
      path: '/priority',
      message: `priority must be one of ${ACTION_ITEM_PRIORITIES.join(', ')}.`,
    });
  }
  if (!ACTION_ITEM_STATUSES.includes(item.status)) {
    problems.push({ path: '/status', message: `status must be one of ${ACTION_ITEM_STATUSES.join(', ')}.` });
  }
  if (item.dueDate !== null && !validDate(item.dueDate)) {
    problems.push({ path: '/dueDate', message: 'dueDate must be a calendar date YYYY-MM-DD.' });
  }
  if (item.ticketUrl !== null && !/^https?:\/\/\S+$/.test(item.ticketUrl)) {
    problems.push({ path: '/ticketUrl', message: 'ticketUrl must be an http(s) URL.' });
  }
  const first = problems[0];
  if (first) throw new InputError(`${first.path} ${first.message}`, problems, 'INVALID_ACTION_ITEM');
}

/** Open or in progress and due before `today` (a local date `YYYY-MM-DD` in the team's zone). */
export function isOverdue(item: ActionItem, today: string): boolean {
  return (
    (item.status === 'open' || item.status === 'in-progress') && item.dueDate !== null && item.dueDate < today
  );
}

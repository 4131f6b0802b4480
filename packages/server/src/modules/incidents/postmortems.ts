/**
 * Postmortems: the stored one, or a draft prefilled from the incident (summary, impact with the
 * budget consumed, timeline); editing its Markdown sections (draft / in-review); publishing, which
 * core refuses while a required section is empty; the Markdown export. Publishing is written on
 * the incident's timeline; every change is audited.
 */
import type { Postmortem as PostmortemDto, PostmortemUpdate } from '@headroom/core/api/incident';
import type { PostmortemDocument } from '@headroom/core/api/postmortem';
import { InputError } from '@headroom/core/errors';
import { postmortemDraft, postmortemMarkdown } from '@headroom/core/incidents/draft';
import type { Incident, TimelineEntry } from '@headroom/core/incidents/model';
import {
  type ClosingContext,
  DEFAULT_POSTMORTEM_POLICY,
  type Postmortem,
  type PostmortemSectionKey,
  publishPostmortem,
  publishProblems,
} from '@headroom/core/incidents/postmortem';
import type { Kysely } from 'kysely';
import { withTransaction } from '../../db/index.js';
import type { Database } from '../../db/schema.js';
import { type AuditContext, recordAudit } from '../audit/service.js';
import { incidentBudgetShare } from '../budget-policies/service.js';
import { iso } from '../catalog/refs.js';
import { findPostmortem, loadActionItems, savePostmortem } from './follow-up-repo.js';
import { budgetConsumed, incidentImpact } from './impact.js';
import { appendTimeline, loadTimeline, lockIncident } from './repo.js';
import { catalogUser, requireEditor, requireIncident } from './service-support.js';

/** What the closing rule reads about an incident: its postmortem, action items and budget figures. */
export async function closingContext(
  db: Kysely<Database>,
  incident: Incident,
  now = Date.now(),
): Promise<ClosingContext & { impact: Awaited<ReturnType<typeof incidentImpact>> }> {
  const impact = await incidentImpact(db, incident, now);
  // The services' error budget policies may set a stricter (or looser) share than the Workbook's 20 %.
  const share = await incidentBudgetShare(db, incident.services);
  return {
    postmortem: (await findPostmortem(db, incident.id)) ?? null,
    actionItems: await loadActionItems(db, { incidentId: incident.id }),
    budgetConsumed: budgetConsumed(impact),
    policy: {
      ...DEFAULT_POSTMORTEM_POLICY,
      budgetThreshold: share ?? DEFAULT_POSTMORTEM_POLICY.budgetThreshold,
    },
    impact,
  };
}

async function draftOf(db: Kysely<Database>, incident: Incident, authors: string[], now: number) {
  const timeline = (await loadTimeline(db, incident.id)) as unknown as TimelineEntry[];
  const impact = await incidentImpact(db, incident, now);
  const pm = postmortemDraft(incident, timeline, budgetConsumed(impact), authors, now);
  // The window share too: the draft says what each SLO lost, in both budgets.
  const lines = impact.objectives
    .filter((o) => o.window.share !== null)
    .map(
      (o) =>
        `- SLO ${o.label}: ${o.bad} bad ${o.unit} of ${o.total}; ${pct(o.window.share)} of its window budget, ${pct(o.fourWeeks.share)} of the four-week budget`,
    );
  if (lines.length) pm.sections.impact = `${pm.sections.impact}\n${lines.join('\n')}`;
  return pm;
}

const pct = (f: number | null) => (f === null ? '—' : `${(f * 100).toFixed(1)} %`);

export function postmortemView(pm: Postmortem, stored: boolean): PostmortemDocument {
  return {
    incidentId: pm.incidentId,
    status: pm.status,
    sections: { ...pm.sections },
    authors: [...pm.authors],
    createdAt: iso(pm.createdAt),
    updatedAt: iso(pm.updatedAt),
    publishedAt: pm.publishedAt === null ? null : iso(pm.publishedAt),
    stored,
  } satisfies PostmortemDto & { stored: boolean };
}

export async function getPostmortem(
  db: Kysely<Database>,
  incidentId: string,
  now = Date.now(),
): Promise<PostmortemDocument> {
  const incident = await requireIncident(db, incidentId);
  const stored = await findPostmortem(db, incidentId);
  if (stored) return postmortemView(stored, true);
  return postmortemView(await draftOf(db, incident, [], now), false);
}

export async function updatePostmortem(
  db: Kysely<Database>,
  ctx: AuditContext,
  incidentId: string,
  body: PostmortemUpdate,
  now = Date.now(),
): Promise<PostmortemDocument> {
  requireEditor(ctx, 'edit postmortems');
  if (body.status === 'published')
    throw new InputError(
      '/status use POST /incidents/{id}/postmortem/publish to publish.',
      [{ path: '/status', message: 'use POST /incidents/{id}/postmortem/publish to publish' }],
      'INVALID_INPUT',
    );
  return withTransaction(db, async (trx) => {
    await lockIncident(trx, incidentId);
    const incident = await requireIncident(trx, incidentId);
    const before = await findPostmortem(trx, incidentId);
    const base = before ?? (await draftOf(trx, incident, [ctx.actor.name], now));
    const authors =
      body.authors === undefined
        ? base.authors
        : await Promise.all(body.authors.map((a, i) => catalogUser(trx, a, `/authors/${i}`)));
    const sections = { ...base.sections };
    for (const [k, v] of Object.entries(body.sections ?? {})) {
      if (v !== undefined) sections[k as PostmortemSectionKey] = v;
    }
    const pm: Postmortem = {
      ...base,
      sections,
      authors: [...new Set(authors)],
      status: body.status ?? base.status,
      publishedAt: body.status !== undefined ? null : base.publishedAt,
      updatedAt: now,
    };
    // A published postmortem stays publishable: its required sections cannot be emptied.
    if (pm.status === 'published') {
      const problems = publishProblems(pm);
      if (problems[0])
        throw new InputError(`${problems[0].path} ${problems[0].message}`, problems, 'POSTMORTEM_INCOMPLETE');
    }
    await savePostmortem(trx, pm, ctx.actor.name);
    await recordAudit(trx, ctx, 'postmortem.update', 'incident', incidentId, {
      status: pm.status,
      sections: Object.keys(body.sections ?? {}),
      authors: pm.authors,
    });
    if (before?.status !== pm.status) {
      await appendTimeline(
        trx,
        incidentId,
        [
          {
            kind: 'postmortem',
            at: now,
            actor: ctx.actor.name,
            text: `Postmortem ${pm.status}`,
            data: { status: pm.status },
          },
        ],
        now,
      );
    }
    return postmortemView(pm, true);
  });
}

export async function publishIncidentPostmortem(
  db: Kysely<Database>,
  ctx: AuditContext,
  incidentId: string,
  now = Date.now(),
): Promise<PostmortemDocument> {
  requireEditor(ctx, 'publish postmortems');
  return withTransaction(db, async (trx) => {
    await lockIncident(trx, incidentId);
    const incident = await requireIncident(trx, incidentId);
    const before = await findPostmortem(trx, incidentId);
    if (before?.status === 'published') return postmortemView(before, true);
    const base = before ?? (await draftOf(trx, incident, [ctx.actor.name], now));
    const pm = publishPostmortem(base, now); // 400 POSTMORTEM_INCOMPLETE naming the empty sections
    await savePostmortem(trx, pm, ctx.actor.name);
    await recordAudit(trx, ctx, 'postmortem.publish', 'incident', incidentId, { authors: pm.authors });
    await appendTimeline(
      trx,
      incidentId,
      [
        {
          kind: 'postmortem',
          at: now,
          actor: ctx.actor.name,
          text: 'Postmortem published',
          data: { status: 'published' },
        },
      ],
      now,
    );
    return postmortemView(pm, true);
  });
}

export async function postmortemMarkdownOf(
  db: Kysely<Database>,
  incidentId: string,
  now = Date.now(),
): Promise<string> {
  const incident = await requireIncident(db, incidentId);
  const pm = (await findPostmortem(db, incidentId)) ?? (await draftOf(db, incident, [], now));
  return postmortemMarkdown(pm, incident, await loadActionItems(db, { incidentId }));
}

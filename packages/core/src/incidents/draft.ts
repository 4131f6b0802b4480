/**
 * A postmortem prefilled from its incident (summary, impact, timeline, budget consumed), and the
 * Markdown export of a postmortem with its action items.
 */

import type { Incident, TimelineEntry } from './model.js';
import { MTTX_DEFINITIONS } from './mttx.js';
import {
  type ActionItem,
  type BudgetConsumed,
  emptySections,
  POSTMORTEM_SECTIONS,
  type Postmortem,
  type PostmortemSectionKey,
} from './postmortem.js';

const iso = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');

/** `1 h 05 min`, `12 min`, `40 s`. */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  const rest = m % 60;
  return rest === 0 ? `${h} h` : `${h} h ${String(rest).padStart(2, '0')} min`;
}

function span(incident: Incident, from: keyof Incident, to: keyof Incident): string | null {
  const a = incident[from];
  const b = incident[to];
  return typeof a === 'number' && typeof b === 'number' && b >= a ? formatDuration(b - a) : null;
}

export function postmortemDraft(
  incident: Incident,
  timeline: readonly TimelineEntry[],
  budgetConsumed: readonly BudgetConsumed[],
  authors: string[],
  now: number,
): Postmortem {
  const sections = emptySections();
  sections.summary = incident.summary;
  const impact: string[] = [
    `- Severity: ${incident.severity}`,
    `- Services: ${incident.services.length ? incident.services.join(', ') : '(none recorded)'}`,
  ];
  if (incident.impactStartedAt !== null) impact.push(`- Impact started: ${iso(incident.impactStartedAt)}`);
  for (const metric of ['mttd', 'mttm', 'mttr'] as const) {
    const d = MTTX_DEFINITIONS[metric];
    const v = span(incident, d.from, d.to);
    if (v !== null)
      impact.push(
        `- ${d.name.replace('Mean time', 'Time')}: ${v} (${d.description.toLowerCase().replace(/\.$/, '')})`,
      );
  }
  for (const b of budgetConsumed) {
    impact.push(`- Error budget consumed, SLO ${b.slo}: ${(b.fraction * 100).toFixed(1)} % of four weeks`);
  }
  sections.impact = impact.join('\n');
  sections.timeline = [...timeline]
    .sort((a, b) => a.at - b.at)
    .map((e) => `- ${iso(e.at)} — ${e.text} (${e.actor})`)
    .join('\n');
  return {
    incidentId: incident.id,
    status: 'draft',
    sections,
    authors,
    createdAt: now,
    updatedAt: now,
    publishedAt: null,
  };
}

/** The postmortem as one Markdown document; the action items section lists the tracked items. */
export function postmortemMarkdown(
  pm: Postmortem,
  incident: Incident,
  actionItems: readonly ActionItem[],
): string {
  const out = [
    `# Postmortem: ${incident.title}`,
    '',
    `Incident ${incident.id} · ${incident.severity} · ${pm.status}${pm.publishedAt !== null ? ` ${iso(pm.publishedAt)}` : ''} · authors: ${pm.authors.join(', ') || '—'}`,
    '',
  ];
  for (const s of POSTMORTEM_SECTIONS) {
    out.push(`## ${s.title}`, '');
    let body = pm.sections[s.key].trim();
    if (s.key === 'actionItems') {
      const rows = actionItems.map(
        (a) =>
          `| ${a.priority} | ${a.title.replace(/\|/g, '\\|')} | ${a.owner} | ${a.dueDate ?? ''} | ${a.status} | ${a.ticketUrl ?? ''} |`,
      );
      const table = rows.length
        ? [
            '| Priority | Action | Owner | Due | Status | Ticket |',
            '|---|---|---|---|---|---|',
            ...rows,
          ].join('\n')
        : '';
      body = [body, table].filter((x) => x !== '').join('\n\n');
    }
    out.push(body === '' ? '_Not written._' : body, '');
  }
  return out.join('\n');
}

const TABLE_HEAD = '| Priority | Action | Owner | Due | Status | Ticket |';

/**
 * The sections of a postmortem written as Markdown — `postmortemMarkdown`'s output, edited:
 * each `## <section title>` starts a section (titles as in the template, any case); text before
 * the first one (the title line) is ignored, other headings stay inside their section, and the
 * generated action items table is left out (the tracked items are the source). Only sections
 * present in the file are returned, so a partial file changes only what it names.
 */
export function sectionsFromMarkdown(markdown: string): Partial<Record<PostmortemSectionKey, string>> {
  const byTitle = new Map(POSTMORTEM_SECTIONS.map((s) => [s.title.toLowerCase(), s.key]));
  const out: Partial<Record<PostmortemSectionKey, string>> = {};
  let current: PostmortemSectionKey | null = null;
  let lines: string[] = [];
  const flush = () => {
    if (current === null) return;
    let body = lines.join('\n');
    if (current === 'actionItems') {
      const at = body.indexOf(TABLE_HEAD);
      if (at >= 0) body = body.slice(0, at);
    }
    body = body.trim();
    out[current] = body === '_Not written._' ? '' : body;
  };
  for (const line of markdown.replace(/\r\n/g, '\n').split('\n')) {
    const heading = /^##\s+(.+?)\s*#*\s*$/.exec(line);
    const key = heading ? byTitle.get(heading[1]!.toLowerCase()) : undefined;
    if (key !== undefined) {
      flush();
      current = key;
      lines = [];
    } else if (current !== null) lines.push(line);
  }
  flush();
  return out;
}

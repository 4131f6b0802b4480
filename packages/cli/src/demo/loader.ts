/**
 * Loads the demo organisation through the public API only, as a user would: the YAML of the
 * repository's `demo/` folder through apply, a schedule override through the schedules API, and
 * the past incident through the incidents API.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ApplyResult } from '@headroom/core/api/apply';
import type { IncidentDetail } from '@headroom/core/api/incident';
import { pastIncidentWindow } from '@headroom/core/demo/organisation';
import type { HeadroomClient } from '../client.js';
import { ApiError } from '../errors.js';
import { readApplyFiles } from '../files.js';

/** The URL the channels in demo/alerting.yaml carry, replaced by the receiver's address. */
export const PLACEHOLDER_RECEIVER = 'http://127.0.0.1:7099';

/** The repository's demo/ folder: four levels above this file in src/ and in dist/ alike. */
export function demoFolder(): string {
  const dir = fileURLToPath(new URL('../../../../demo/', import.meta.url));
  if (!existsSync(dir)) throw new Error(`the demo organisation's YAML folder is missing: ${dir}`);
  return dir;
}

export async function applyOrganisation(
  client: HeadroomClient,
  folder: string,
  receiverUrl: string,
): Promise<ApplyResult> {
  const files = await readApplyFiles([folder], {
    cwd: folder,
    readStdin: async () => '',
  });
  const shown = files.map((f) => ({
    path: `demo/${f.path.replace(/^.*\/demo\//, '')}`,
    content: f.content.replaceAll(PLACEHOLDER_RECEIVER, receiverUrl),
  }));
  return client.request<ApplyResult>('POST', '/apply', { body: { files: shown } });
}

/** Tomorrow 09:00–13:00 UTC Bob covers the commerce primary rotation: an override on the timeline. */
export async function ensureOverride(client: HeadroomClient, now: number): Promise<void> {
  const existing = await client.request<unknown[]>('GET', '/schedules/commerce-primary/overrides');
  if (existing.length > 0) return;
  const day = Math.floor(now / 86_400_000) * 86_400_000 + 86_400_000;
  await client.request('POST', '/schedules/commerce-primary/overrides', {
    body: {
      user: 'bob',
      start: new Date(day + 9 * 3_600_000).toISOString(),
      end: new Date(day + 13 * 3_600_000).toISOString(),
    },
  });
}

export const PAST_INCIDENT_TITLE = 'Checkout failures: payment provider timeouts';

const iso = (t: number) => new Date(t).toISOString();

/** The past incident with its milestones and notes; returns its id, or the existing one's. */
export async function ensurePastIncident(
  client: HeadroomClient,
  firstStart: number,
): Promise<{ id: string; created: boolean }> {
  const existing = await client.request<{ id: string; title: string }[]>('GET', '/incidents', {
    query: { service: 'payments', limit: 1000 },
  });
  const found = existing.find((i) => i.title === PAST_INCIDENT_TITLE);
  if (found) return { id: found.id, created: false };
  const { start, end } = pastIncidentWindow(firstStart);
  const min = (n: number) => start + n * 60_000;
  const incident = await client.request<IncidentDetail>('POST', '/incidents', {
    body: {
      title: PAST_INCIDENT_TITLE,
      summary:
        'The payment provider answered 10 % of authorisations with timeouts after a certificate rotation ' +
        'on their side; checkout showed errors for those orders.',
      severity: 'SEV2',
      // Declared in triage without a commander: either would stamp acknowledgedAt with today's time.
      status: 'triage',
      services: ['payments', 'checkout'],
      impactStartedAt: iso(start),
      detectedAt: iso(min(4)),
      declaredAt: iso(min(7)),
    },
  });
  const change = (body: object) => client.request('POST', `/incidents/${incident.id}/changes`, { body });
  await change({ type: 'acknowledge', at: iso(min(9)) });
  await change({ type: 'status', status: 'investigating', at: iso(min(10)) });
  const roles = { commander: 'alice', operations: 'bob', communications: 'judy', scribe: 'carol' };
  for (const [role, user] of Object.entries(roles)) await change({ type: 'role', role, user });
  await change({
    type: 'note',
    text: 'payments-success is burning at 200× its budget rate; PSP dashboards show timeouts on authorise.',
  });
  await change({
    type: 'note',
    text: 'Retrying timed-out authorisations against the secondary PSP endpoint; error rate halves.',
  });
  await change({
    type: 'status-update',
    text: 'Some card payments fail at checkout. We are routing payments to a backup connection.',
  });
  await change({
    type: 'status',
    status: 'mitigated',
    at: iso(end - 5 * 60_000),
    reason: 'All traffic on the secondary PSP endpoint',
  });
  await change({
    type: 'note',
    text: 'PSP confirmed the expired intermediate certificate and rolled it back.',
  });
  await change({ type: 'status', status: 'resolved', at: iso(end + 10 * 60_000), reason: 'PSP fixed' });
  return { id: incident.id, created: true };
}

/**
 * Writes and publishes the past incident's postmortem with its action items, then closes the
 * incident, when the server has the postmortem API; without it (404 from the router) says so.
 */
export async function ensurePostmortem(client: HeadroomClient, incidentId: string): Promise<string> {
  const base = `/incidents/${encodeURIComponent(incidentId)}`;
  let current: { stored: boolean; status: string };
  try {
    current = await client.request('GET', `${base}/postmortem`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return 'no postmortem API on this server';
    throw error;
  }
  if (current.stored && current.status === 'published') return 'postmortem published';
  await client.request('PUT', `${base}/postmortem`, { body: POSTMORTEM });
  if (!current.stored)
    for (const item of ACTION_ITEMS) await client.request('POST', `${base}/action-items`, { body: item });
  await client.request('POST', `${base}/postmortem/publish`);
  return 'postmortem published';
}

/** Closes the past incident three days after it ended (its follow-up done); what happened, for the summary. */
export async function closePastIncident(client: HeadroomClient, incidentId: string, firstStart: number) {
  const incident = await client.request<{ status: string }>(
    'GET',
    `/incidents/${encodeURIComponent(incidentId)}`,
  );
  if (incident.status !== 'resolved') return incident.status;
  const { end } = pastIncidentWindow(firstStart);
  await client.request('POST', `/incidents/${encodeURIComponent(incidentId)}/changes`, {
    body: { type: 'status', status: 'closed', at: iso(end + 3 * 86_400_000), reason: 'Postmortem published' },
  });
  return 'closed';
}

const POSTMORTEM = {
  authors: ['alice', 'carol'],
  sections: {
    summary: 'For 40 minutes one payment in ten failed with a timeout at our payment provider.',
    impact: 'About 1,900 checkout attempts failed; an estimated €9,800 of orders were lost or delayed.',
    timeline: '14:05 timeouts start · 14:09 page · 14:12 declared · 14:40 mitigated · 14:55 resolved',
    rootCauses: "An expired intermediate certificate in the provider's new chain.",
    trigger: "The provider's certificate rotation.",
    detection: 'The payments-success fast-burn page, four minutes after impact began.',
    resolution: 'Failover to the secondary endpoint, then the provider rolled the certificate back.',
    whatWentWell: 'Detection within minutes; the failover runbook worked.',
    whatWentWrong: 'Failover was manual and took 25 minutes.',
    whereWeGotLucky: 'It happened on a Tuesday afternoon with the whole team online.',
  },
};

const ACTION_ITEMS = [
  { title: 'Automate PSP failover on timeout burn', priority: 'P0', owner: 'bob', service: 'payments' },
  {
    title: 'Alert on certificate expiry in the PSP chain',
    priority: 'P1',
    owner: 'dave',
    service: 'payments',
  },
  {
    title: 'Show PSP health on the checkout dashboard',
    priority: 'P2',
    owner: 'alice',
    service: 'checkout',
    status: 'done',
  },
];

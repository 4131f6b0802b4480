/**
 * The timeline writes itself: when an alert of an alert group linked to an open incident starts
 * firing or resolves, the incident's timeline gets an `alert-firing` / `alert-resolved` entry at
 * the alert's own time. The alert pipeline calls this with every alert change it reads, in the
 * transaction that reads them; an event already on the timeline is never written twice.
 */
import type { Labels } from '@headroom/core/alerting/matchers';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { StoredAlert } from '../alerts/repo.js';
import { appendTimeline, loadIncidents, loadTimeline, type NewTimelineEntry } from './repo.js';

/** Incidents whose timelines still grow (closed, cancelled and merged ones are final). */
const OPEN = ['triage', 'investigating', 'mitigated', 'resolved'];

export async function recordAlertEvents(
  trx: Kysely<Database>,
  alerts: readonly StoredAlert[],
  now: number,
): Promise<number> {
  if (alerts.length === 0) return 0;
  const incidents = (await loadIncidents(trx, { statuses: OPEN })).filter((i) => i.alertGroups.length > 0);
  if (incidents.length === 0) return 0;
  const byId = new Map(alerts.map((a) => [a.id, a]));
  const members = await trx
    .selectFrom('alert_group_members')
    .select(['group_id', 'alert_id'])
    .where('alert_id', 'in', [...byId.keys()])
    .execute();
  let written = 0;
  for (const incident of incidents) {
    const linked = new Set(incident.alertGroups);
    const mine = [...new Set(members.filter((m) => linked.has(m.group_id)).map((m) => m.alert_id))];
    if (mine.length === 0) continue;
    const seen = new Set(
      (await loadTimeline(trx, incident.id))
        .filter((e) => e.kind === 'alert-firing' || e.kind === 'alert-resolved')
        .map((e) => `${e.kind}:${String(e.data.alertId)}:${e.at}`),
    );
    const entries: NewTimelineEntry[] = [];
    for (const alertId of mine) {
      const alert = byId.get(alertId)!;
      const s = alert.state;
      const resolved = s.status === 'resolved' && s.endsAt !== null;
      const kind = resolved ? 'alert-resolved' : 'alert-firing';
      const at = Math.min(resolved ? s.endsAt! : s.startsAt, now);
      if (seen.has(`${kind}:${alertId}:${at}`)) continue;
      const labels = JSON.parse(s.labels) as Labels;
      const name = labels.alertname ?? s.fingerprint;
      const group = members.find((m) => m.alert_id === alertId && linked.has(m.group_id))!.group_id;
      entries.push({
        kind,
        at,
        actor: 'alerting',
        text: `Alert ${name} ${resolved ? 'resolved' : 'firing'}`,
        data: { alertId, fingerprint: s.fingerprint, labels, alertGroup: group },
      });
    }
    written += (await appendTimeline(trx, incident.id, entries, now)).length;
  }
  return written;
}

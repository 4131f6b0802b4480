/** Incidents, postmortems and action items (migrations 0016, 0018). */

/** Incidents (0016_incidents): core's Incident as JSON, with columns for listing. */
export interface IncidentsTable {
  id: string;
  number: number;
  title: string;
  status: string;
  severity: string;
  declared_at: number;
  services: string; // JSON array
  alert_groups: string; // JSON array
  document: string; // JSON: core's Incident
  created_at: number;
  updated_at: number;
}

/** An incident's timeline (0016_incidents), append-only. */
export interface IncidentTimelineTable {
  id: string;
  incident_id: string;
  kind: string;
  at: number;
  actor: string;
  text: string;
  data: string; // JSON object
  created_at: number;
}

/** One postmortem per incident (0018_postmortems). */
export interface PostmortemsTable {
  incident_id: string;
  status: string;
  sections: string; // JSON: section key → Markdown
  authors: string; // JSON array
  created_by: string;
  created_at: number;
  updated_at: number;
  published_at: number | null;
}

/** Action items of incidents (0018_postmortems); id AI-<number>. */
export interface ActionItemsTable {
  id: string;
  number: number;
  incident_id: string;
  service: string | null;
  title: string;
  owner: string;
  priority: string;
  due_date: string | null;
  status: string;
  ticket_url: string | null;
  created_by: string;
  created_at: number;
  updated_at: number;
}

/** Channels subscribed to an incident's status updates (0018_postmortems). */
export interface IncidentSubscribersTable {
  incident_id: string;
  channel: string;
  created_by: string;
  created_at: number;
}

export interface IncidentsTables {
  incidents: IncidentsTable;
  incident_timeline: IncidentTimelineTable;
  postmortems: PostmortemsTable;
  action_items: ActionItemsTable;
  incident_subscribers: IncidentSubscribersTable;
}

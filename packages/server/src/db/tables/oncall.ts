/** Schedules, escalation policies and paging (migrations 0014, 0015, 0017). */

/** On-call schedules (0014_schedules): core's ScheduleDefinition and the document as written. */
export interface SchedulesTable {
  id: string;
  name: string;
  owner_ref: string | null;
  definition: string; // JSON: core's ScheduleDefinition
  document: string; // JSON: the document as written
  created_at: number;
  updated_at: number;
}

/** Escalation policies (0015_escalation_policies), written by apply. */
export interface EscalationPoliciesTable {
  id: string;
  name: string;
  owner_ref: string | null;
  definition: string; // JSON: core's EscalationPolicy
  document: string; // JSON: the document as written
  created_at: number;
  updated_at: number;
}

/** Overrides of a schedule (0014_schedules), created through the API. */
export interface ScheduleOverridesTable {
  id: string;
  schedule_id: string;
  user_name: string;
  starts_at: number;
  ends_at: number;
  created_by: string;
  created_at: number;
}

/** Secret iCalendar feed tokens (0014_schedules), hashed. */
export interface IcalFeedsTable {
  id: string;
  kind: 'schedule' | 'user';
  target_id: string;
  token_hash: string;
  created_by: string;
  created_at: number;
  revoked_at: number | null;
}

/** Pages (0017_paging): one escalation per alert group episode. */
export interface PagesTable {
  id: string;
  group_id: string;
  group_key: string;
  policy: string;
  state: string; // JSON: core's EscalationState
  next_at: number | null;
  status: 'active' | 'acknowledged' | 'resolved' | 'exhausted' | 'cancelled';
  acknowledged_by: string | null;
  acknowledged_via: string | null;
  acknowledged_at: number | null;
  resolved_at: number | null;
  incident_id: string | null;
  created_at: number;
  updated_at: number;
}

/** An alert group's log (0017_paging), append-only; kept after the group is gone. */
export interface AlertGroupLogTable {
  id: string;
  group_id: string;
  at: number;
  kind: string;
  text: string;
  data: string; // JSON object
}

export interface OnCallTables {
  schedules: SchedulesTable;
  schedule_overrides: ScheduleOverridesTable;
  ical_feeds: IcalFeedsTable;
  escalation_policies: EscalationPoliciesTable;
  pages: PagesTable;
  alert_group_log: AlertGroupLogTable;
}

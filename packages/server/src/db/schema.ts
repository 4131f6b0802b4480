/**
 * Table types for kysely. Kept to what SQLite and PostgreSQL share: text ids (UUIDv7),
 * times as epoch-millisecond integers, booleans as 0/1, JSON as text.
 */
import type { Generated } from 'kysely';
import type { CapacityTables } from './tables/capacity.js';
import type { DiscoveryTables } from './tables/discovery.js';
import type { FeedbackTables } from './tables/feedback.js';
import type { SurveyTables } from './tables/surveys.js';

export interface TeamsTable {
  id: string;
  namespace: string;
  name: string;
  title: string | null;
  description: string | null;
  type: string | null;
  email: string | null;
  parent_ref: string | null;
  annotations: string; // JSON object
  labels: string; // JSON object
  links: string; // JSON array
  tags: Generated<string>; // JSON array
  picture: string | null; // profile picture URL
  created_at: number;
  updated_at: number;
}

export interface UsersTable {
  id: string;
  namespace: string;
  name: string;
  display_name: string | null;
  email: string | null;
  role: 'viewer' | 'editor' | 'admin';
  password_hash: string | null;
  annotations: string;
  labels: string;
  tags: Generated<string>; // JSON array
  links: Generated<string>; // JSON array
  picture: string | null; // profile picture URL
  created_at: number;
  updated_at: number;
}

export interface TeamMembersTable {
  team_id: string;
  user_id: string;
}

export interface ServicesTable {
  id: string;
  namespace: string;
  name: string;
  title: string | null;
  description: string | null;
  /** Entity ref of the owner as written (`group:default/payments`); resolved through teams. */
  owner_ref: string | null;
  owner_team_id: string | null;
  type: string | null;
  tier: number;
  lifecycle: string;
  system_ref: string | null;
  tags: string; // JSON array
  links: string; // JSON array
  business: string; // JSON object
  annotations: string;
  labels: string;
  created_at: number;
  updated_at: number;
}

/** Backstage kinds that are not services, teams or users: System, Domain, API, Resource. */
export interface EntitiesTable {
  id: string;
  kind: string;
  namespace: string;
  name: string;
  title: string | null;
  description: string | null;
  owner_ref: string | null;
  owner_team_id: string | null;
  spec: string; // JSON object, as written
  tags: string;
  links: string;
  annotations: string;
  labels: string;
  created_at: number;
  updated_at: number;
}

/** Directed relations between entity refs; targets may not resolve (yet). */
export interface RelationsTable {
  source_ref: string;
  type: string;
  target_ref: string;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  prefix: string;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface SessionsTable {
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: number;
  expires_at: number;
}

export interface AuditLogTable {
  id: string;
  at: number;
  actor_id: string | null;
  actor_name: string;
  action: string;
  target_kind: string;
  target_ref: string;
  detail: string; // JSON
  request_id: string | null;
}

/** Objects that `apply` created, so `--prune` deletes only those. */
export interface AppliedObjectsTable {
  kind: string;
  ref: string;
  source: string;
  applied_at: number;
}

/** SLI data: (good, total) per stream per epoch minute (0003_sli_buckets). */
export interface SliBucketsTable {
  stream: string;
  minute: number;
  good: number;
  total: number;
  updated_at: number;
}

/** Hour roll-ups of sli_buckets: each row is the sum of its hour's minute buckets (0007_sli_hours). */
export interface SliHoursTable {
  stream: string;
  /** Epoch hour: floor(epoch minute / 60). */
  hour: number;
  good: number;
  total: number;
}

/** Threshold and raw SLI data: one value per stream per epoch minute, last write wins (0008_sli_values). */
export interface SliValuesTable {
  stream: string;
  minute: number;
  value: number;
  updated_at: number;
}

/** One row per SLI stream, kept in step with its buckets by every write. */
export interface SliStreamsTable {
  stream: string;
  first_minute: number;
  last_minute: number;
  buckets: number;
  /** Earliest minute changed since the evaluator last claimed the stream; null when nothing changed. */
  dirty_from_minute: number | null;
  created_at: number;
  updated_at: number;
}

/** Idempotency-Key records of ingest batches: the stored 200 reply, per user and key. */
export interface IngestBatchesTable {
  scope: string;
  idempotency_key: string;
  request_hash: string;
  response: string; // JSON
  created_at: number;
}

/** How far polling a Prometheus-backed stream has got (0004_prometheus_poll_state). */
export interface PrometheusPollStateTable {
  stream: string;
  /** Epoch minutes [covered_from, covered_to) already read into sli_buckets. */
  covered_from: number | null;
  covered_to: number | null;
  last_success_at: number | null;
  last_error: string | null;
  last_error_at: number | null;
  /** Consecutive failed polls. */
  failures: Generated<number>;
  updated_at: number;
}

/** SLO definitions (0002_slos): normalized OpenSLO (references by name) and the document as written. */
export interface SlosTable {
  id: string;
  name: string;
  display_name: string | null;
  /** spec.service as written. */
  service: string;
  /** The catalog service it names, `component:namespace/name`; null when it is no valid ref. */
  service_ref: string | null;
  definition: string; // JSON: core's Slo, references unresolved
  document: string; // JSON: the OpenSLO document as written
  created_at: number;
  updated_at: number;
}

/** OpenSLO objects other than SLOs: SLI, DataSource, AlertPolicy, AlertCondition, AlertNotificationTarget, Service. */
export interface OpensloObjectsTable {
  id: string;
  kind: string;
  name: string;
  definition: string; // JSON, normalized
  document: string; // JSON, as written
  created_at: number;
  updated_at: number;
}

/** Which OpenSLO object names which (refs such as `slo:default/x` → `sli:default/y`). */
export interface OpensloReferencesTable {
  source_ref: string;
  target_ref: string;
}

/** The evaluator's latest status per SLO (JSON of core's SloStatus). */
export interface SloStatusTable {
  slo_name: string;
  evaluated_at: number;
  state: string;
  status: string;
}

/** Budget corrections (0006_budget_corrections): core's BudgetCorrection and the document as written. */
export interface BudgetCorrectionsTable {
  id: string;
  name: string;
  definition: string; // JSON: core's BudgetCorrection
  document: string; // JSON: the document as written
  created_at: number;
  updated_at: number;
}

/** Notification channels (0009_notifications): the channel without secrets, and its sealed secrets. */
export interface NotificationChannelsTable {
  id: string;
  name: string;
  type: 'webhook' | 'slack' | 'email';
  owner_ref: string | null;
  definition: string; // JSON: core's NotificationChannelConfig with secret fields emptied
  secrets: string; // JSON of the secret fields, sealed when HEADROOM_SECRET_KEY is set
  document: string; // JSON: the document as written, secrets redacted
  created_at: number;
  updated_at: number;
}

/** The notification outbox (0009_notifications). */
export interface NotificationsTable {
  id: string;
  channel: string;
  message: string; // JSON: core's NotificationMessage
  idempotency_key: string;
  status: 'pending' | 'sending' | 'delivered' | 'dead';
  attempts: number;
  /** Attempts made before the last retry by hand; the attempt limit counts from there. */
  retry_base: Generated<number>;
  next_attempt_at: number | null;
  lease_until: number | null;
  lease_owner: string | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  delivered_at: number | null;
}

export interface NotificationAttemptsTable {
  notification_id: string;
  attempt: number;
  started_at: number;
  finished_at: number | null;
  outcome: 'sending' | 'delivered' | 'retry' | 'failed' | 'abandoned';
  status_code: number | null;
  error: string | null;
}

/** Integrations (0010_alerts): where alerts from outside come in; the secret is stored hashed. */
export interface IntegrationsTable {
  id: string;
  type: 'alertmanager' | 'pagerduty' | 'generic';
  name: string;
  team_id: string | null;
  secret_hash: string;
  prefix: string;
  /** null = the server default; 0 = never auto-resolve. */
  resolve_timeout_minutes: number | null;
  created_at: number;
  created_by: string;
  last_received_at: number | null;
  revoked_at: number | null;
}

/** The alert store (0010_alerts): one row per alert identity (fingerprint). */
export interface AlertsTable {
  id: string;
  fingerprint: string;
  status: 'firing' | 'resolved';
  acknowledged: number; // 0/1
  resolution: 'resolved' | 'auto-resolved' | null;
  labels: string; // canonical JSON object
  annotations: string; // canonical JSON object
  details: string; // canonical JSON object
  generator_url: string | null;
  starts_at: number;
  ends_at: number | null;
  source: 'alertmanager' | 'pagerduty' | 'generic' | 'headroom';
  integration_id: string | null;
  first_received_at: number;
  last_received_at: number;
  /** seq of its latest event. */
  last_seq: number;
}

/** An aggregation group of the alert pipeline (0013_alert_groups). */
export interface AlertGroupsTable {
  id: string;
  route_id: string;
  group_key: string;
  receiver: string;
  group_labels: string; // JSON object
  created_at: number;
  last_flush_at: number | null;
  last_notification: string | null; // JSON {at, firing, resolved}
  next_at: number | null;
  explanation: string;
  updated_at: number;
}

export interface AlertGroupMembersTable {
  group_id: string;
  alert_id: string;
  added_at: number;
}

/** One row (id 1): the alert change feed's cursor. */
export interface AlertPipelineStateTable {
  id: number;
  cursor: number;
  updated_at: number;
}

/** Every change of an alert, in the order stored (seq is monotonic over all alerts). */
export interface AlertEventsTable {
  seq: number;
  alert_id: string;
  kind: 'triggered' | 're-received' | 'acknowledged' | 'resolved' | 'auto-resolved';
  status: 'firing' | 'resolved';
  at: number;
  detail: string; // JSON
}

/** Headroom's own secrets by name (0011_secrets): the DataSource key id, and the key when kept in the database. */
export interface SecretsTable {
  name: string;
  value: string;
  created_at: number;
  updated_at: number;
}

/** Routes of the alert routing tree (0012_routing): core's RouteDefinition and the document as written. */
export interface AlertRoutesTable {
  id: string;
  name: string;
  /** 1 for the root route. */
  root: number;
  /** spec.order. */
  position: number;
  definition: string; // JSON
  document: string; // JSON
  created_at: number;
  updated_at: number;
}

/** Inhibition rules (0012_routing). */
export interface InhibitRulesTable {
  id: string;
  name: string;
  definition: string; // JSON
  document: string; // JSON
  created_at: number;
  updated_at: number;
}

/** Silences (0012_routing), from the API or a Silence document; kept after they expire. */
export interface SilencesTable {
  id: string;
  /** The Silence document's name while apply manages it. */
  name: string | null;
  matchers: string; // JSON: core's Matcher[]
  starts_at: number;
  ends_at: number;
  created_by: string;
  comment: string;
  source: string; // 'api' | 'apply'
  document: string | null; // JSON
  created_at: number;
  updated_at: number;
}

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

/** Deployments (0020_deployments); `number` gives the short id DEP-<number>. */
export interface DeploymentsTable {
  id: string;
  number: number;
  service: string;
  version: string;
  commit_sha: string;
  commit_time: number | null;
  started_at: number;
  finished_at: number;
  environment: string;
  status: string;
  author: string | null;
  recorded_by: string;
  recorded_at: number;
  pipeline_url: string | null;
  gate_decision_id: string | null;
  labels: string; // JSON array
}

/** Deployment ↔ incident links (0020_deployments). */
export interface DeploymentIncidentsTable {
  incident_id: string;
  deployment_id: string;
  source: string; // manual | suggestion
  linked_by: string;
  linked_at: number;
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

/** ErrorBudgetPolicy objects written by apply (0019_budget_policies). */
export interface ErrorBudgetPoliciesTable {
  id: string;
  name: string;
  owner_ref: string | null;
  definition: string; // JSON: core's ErrorBudgetPolicy
  document: string; // JSON: as written
  created_at: number;
  updated_at: number;
}

/** Exemptions from a service's release freeze (0019_budget_policies). */
export interface BudgetExemptionsTable {
  id: string;
  service_ref: string;
  reason: string;
  approver: string;
  slos: string | null; // JSON array; null = every SLO
  expires_at: number;
  created_by: string;
  created_at: number;
}

/** Release-gate decisions (0019_budget_policies). */
export interface GateDecisionsTable {
  id: string;
  service_ref: string;
  at: number;
  verdict: string;
  reasons: string; // JSON
  slos: string; // JSON
  change: string; // JSON
  requested_by: string;
}

export interface Database extends FeedbackTables, SurveyTables, CapacityTables, DiscoveryTables {
  teams: TeamsTable;
  users: UsersTable;
  team_members: TeamMembersTable;
  services: ServicesTable;
  entities: EntitiesTable;
  relations: RelationsTable;
  api_tokens: ApiTokensTable;
  sessions: SessionsTable;
  audit_log: AuditLogTable;
  applied_objects: AppliedObjectsTable;
  slos: SlosTable;
  openslo_objects: OpensloObjectsTable;
  openslo_references: OpensloReferencesTable;
  prometheus_poll_state: PrometheusPollStateTable;
  sli_buckets: SliBucketsTable;
  sli_streams: SliStreamsTable;
  sli_values: SliValuesTable;
  secrets: SecretsTable;
  sli_hours: SliHoursTable;
  ingest_batches: IngestBatchesTable;
  slo_status: SloStatusTable;
  budget_corrections: BudgetCorrectionsTable;
  notification_channels: NotificationChannelsTable;
  notifications: NotificationsTable;
  notification_attempts: NotificationAttemptsTable;
  integrations: IntegrationsTable;
  alerts: AlertsTable;
  alert_events: AlertEventsTable;
  alert_routes: AlertRoutesTable;
  inhibit_rules: InhibitRulesTable;
  silences: SilencesTable;
  alert_groups: AlertGroupsTable;
  alert_group_members: AlertGroupMembersTable;
  alert_pipeline_state: AlertPipelineStateTable;
  schedules: SchedulesTable;
  schedule_overrides: ScheduleOverridesTable;
  ical_feeds: IcalFeedsTable;
  escalation_policies: EscalationPoliciesTable;
  pages: PagesTable;
  alert_group_log: AlertGroupLogTable;
  incidents: IncidentsTable;
  incident_timeline: IncidentTimelineTable;
  postmortems: PostmortemsTable;
  action_items: ActionItemsTable;
  incident_subscribers: IncidentSubscribersTable;
  error_budget_policies: ErrorBudgetPoliciesTable;
  budget_exemptions: BudgetExemptionsTable;
  gate_decisions: GateDecisionsTable;
  deployments: DeploymentsTable;
  deployment_incidents: DeploymentIncidentsTable;
}

export type { Generated };

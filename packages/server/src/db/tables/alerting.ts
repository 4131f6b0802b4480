/** Notifications, alerts, routing and alert groups (migrations 0009–0013). */
import type { Generated } from 'kysely';

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

export interface AlertingTables {
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
}

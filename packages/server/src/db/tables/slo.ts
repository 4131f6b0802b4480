/** SLOs, SLI data and budget corrections (migrations 0002–0008). */
import type { Generated } from 'kysely';

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

export interface SloTables {
  slos: SlosTable;
  openslo_objects: OpensloObjectsTable;
  openslo_references: OpensloReferencesTable;
  prometheus_poll_state: PrometheusPollStateTable;
  sli_buckets: SliBucketsTable;
  sli_streams: SliStreamsTable;
  sli_values: SliValuesTable;
  sli_hours: SliHoursTable;
  ingest_batches: IngestBatchesTable;
  slo_status: SloStatusTable;
  budget_corrections: BudgetCorrectionsTable;
}

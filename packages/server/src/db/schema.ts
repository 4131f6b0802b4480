/**
 * Table types for kysely, one file per domain under ./tables. Kept to what SQLite and PostgreSQL
 * share: text ids (UUIDv7), times as epoch-millisecond integers, booleans as 0/1, JSON as text.
 */
import type { Generated } from 'kysely';
import type { AlertingTables } from './tables/alerting.js';
import type { CapacityTables } from './tables/capacity.js';
import type { CatalogTables } from './tables/catalog.js';
import type { DiscoveryTables } from './tables/discovery.js';
import type { FeedbackTables } from './tables/feedback.js';
import type { IncidentsTables } from './tables/incidents.js';
import type { OnCallTables } from './tables/oncall.js';
import type { ReleaseTables } from './tables/release.js';
import type { SloTables } from './tables/slo.js';
import type { SurveyTables } from './tables/surveys.js';

export type * from './tables/alerting.js';
export type * from './tables/capacity.js';
export type * from './tables/catalog.js';
export type * from './tables/discovery.js';
export type * from './tables/feedback.js';
export type * from './tables/incidents.js';
export type * from './tables/oncall.js';
export type * from './tables/release.js';
export type * from './tables/slo.js';
export type * from './tables/surveys.js';

/** Every table: each domain adds its own. */
export interface Database
  extends CatalogTables,
    SloTables,
    AlertingTables,
    OnCallTables,
    IncidentsTables,
    ReleaseTables,
    FeedbackTables,
    SurveyTables,
    CapacityTables,
    DiscoveryTables {}

export type { Generated };

import type { Migration } from 'kysely';
import * as m0001 from './0001_catalog_and_auth.js';
import * as m0002 from './0002_slos.js';
import * as m0003 from './0003_sli_buckets.js';
import * as m0004 from './0004_prometheus_poll_state.js';
import * as m0005 from './0005_slo_status.js';
import * as m0006 from './0006_budget_corrections.js';
import * as m0007 from './0007_sli_hours.js';

/** Every migration, in order. Imported statically so the build and the tests see the same set. */
export const migrations: Record<string, Migration> = {
  '0001_catalog_and_auth': m0001,
  '0002_slos': m0002,
  '0003_sli_buckets': m0003,
  '0004_prometheus_poll_state': m0004,
  '0005_slo_status': m0005,
  '0006_budget_corrections': m0006,
  '0007_sli_hours': m0007,
};

import type { Migration } from 'kysely';
import * as m0001 from './0001_catalog_and_auth.js';
import * as m0002 from './0002_slos.js';
import * as m0003 from './0003_sli_buckets.js';
import * as m0004 from './0004_prometheus_poll_state.js';
import * as m0005 from './0005_slo_status.js';
import * as m0006 from './0006_budget_corrections.js';
import * as m0007 from './0007_sli_hours.js';
import * as m0008 from './0008_sli_values.js';
import * as m0009 from './0009_notifications.js';
import * as m0010 from './0010_alerts.js';
import * as m0011 from './0011_secrets.js';
import * as m0012 from './0012_routing.js';
import * as m0013 from './0013_alert_groups.js';
import * as m0014 from './0014_schedules.js';
import * as m0015 from './0015_escalation_policies.js';
import * as m0016 from './0016_incidents.js';
import * as m0017 from './0017_paging.js';
import * as m0018 from './0018_postmortems.js';
import * as m0019 from './0019_budget_policies.js';
import * as m0020 from './0020_deployments.js';
import * as m0021 from './0021_capacity.js';
import * as m0022 from './0022_feedback.js';
import * as m0023 from './0023_discovery.js';
import * as m0024 from './0024_surveys.js';

/** Every migration, in order. Imported statically so the build and the tests see the same set. */
export const migrations: Record<string, Migration> = {
  '0001_catalog_and_auth': m0001,
  '0002_slos': m0002,
  '0003_sli_buckets': m0003,
  '0004_prometheus_poll_state': m0004,
  '0005_slo_status': m0005,
  '0006_budget_corrections': m0006,
  '0007_sli_hours': m0007,
  '0008_sli_values': m0008,
  '0009_notifications': m0009,
  '0010_alerts': m0010,
  '0011_secrets': m0011,
  '0012_routing': m0012,
  '0013_alert_groups': m0013,
  '0014_schedules': m0014,
  '0015_escalation_policies': m0015,
  '0016_incidents': m0016,
  '0017_paging': m0017,
  '0018_postmortems': m0018,
  '0019_budget_policies': m0019,
  '0020_deployments': m0020,
  '0021_capacity': m0021,
  '0022_feedback': m0022,
  '0023_discovery': m0023,
  '0024_surveys': m0024,
};

/**
 * Config as code: YAML files → validated, normalized desired objects. Pure and browser-safe.
 *
 * To add a family of kinds (OpenSLO v1, headroom.dev/v1): write a KindHandler per kind that
 * validates a document and returns DesiredObjects with a new `type` (e.g. 'slo'), add a
 * `registerXKinds(registry)` beside `registerBackstageKinds` in `builtinKindRegistry`, and
 * give the server an apply store for that type (packages/server/src/modules/apply/stores).
 */
import { registerNotificationKinds } from '../notifications/channel.js';
import { checkPrometheusMetricSource } from '../slo/promql-plan.js';
import { registerBackstageKinds } from './backstage/index.js';
import { registerHeadroomKinds } from './headroom/budget-correction.js';
import { registerCapacityKinds } from './headroom/capacity.js';
import { registerDiscoveryKinds } from './headroom/discovery.js';
import { registerErrorBudgetPolicyKinds } from './headroom/error-budget-policy.js';
import { registerEscalationPolicyKinds } from './headroom/escalation-policy.js';
import { registerRoutingKinds } from './headroom/routing.js';
import { registerScheduleKinds } from './headroom/schedule.js';
import { registerOpenSloKinds } from './openslo/index.js';
import { KindRegistry } from './registry.js';

export * from './backstage/index.js';
export * from './catalog-objects.js';
export * from './compile.js';
export * from './headroom/budget-correction.js';
export * from './openslo/index.js';
export * from './path.js';
export * from './registry.js';
export * from './types.js';
export * from './yaml-loader.js';

/** A registry with every kind Headroom understands. */
export function builtinKindRegistry(): KindRegistry {
  const registry = new KindRegistry();
  registerBackstageKinds(registry);
  // Prometheus metric sources are checked with Prometheus' own PromQL grammar.
  registerOpenSloKinds(registry, { checkMetricSource: checkPrometheusMetricSource });
  registerHeadroomKinds(registry);
  registerRoutingKinds(registry);
  registerNotificationKinds(registry);
  registerScheduleKinds(registry);
  registerEscalationPolicyKinds(registry);
  registerErrorBudgetPolicyKinds(registry);
  registerDiscoveryKinds(registry);
  registerCapacityKinds(registry);
  return registry;
}

/**
 * Apply stores for `headroom.dev/v1` CapacityResource (table `capacity_resources`) and
 * GrowthScenario (`capacity_scenarios`).
 *
 * A resource belongs to the team that owns its catalog service: editors of that team may change
 * it (before and after the change), admins any. Its service must exist (stored, or declared in the
 * same apply): a resource of no service would have no owner and no place in the runway table.
 * A Prometheus source's DataSource that is neither stored nor declared is a warning (polling
 * fails, visibly, until it is applied). Scenarios are company-wide plans: admins change them.
 */
import { type Actor, canChangeOwned, type Verdict } from '@headroom/core/auth/policy';
import {
  CAPACITY_RESOURCE_REF_KIND,
  CAPACITY_RESOURCE_TYPE,
  type CapacityResourceObject,
  GROWTH_SCENARIO_REF_KIND,
  GROWTH_SCENARIO_TYPE,
  type GrowthScenarioObject,
  isCapacityResourceObject,
} from '@headroom/core/config/headroom/capacity';
import { openSloRef } from '@headroom/core/config/openslo/index';
import type { FieldProblem } from '@headroom/core/errors';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { serviceOwnerTeam } from '../apply/openslo-stores.js';
import {
  type ApplyStore,
  type ChangeToAuthorise,
  diffDefinitions,
  loadedDefinition,
  type PlanCheck,
  type PlanContext,
} from '../apply/stores.js';
import { findObjectRow } from '../slos/repo.js';
import {
  deleteResource,
  deleteScenario,
  findResource,
  findScenario,
  type ResourceRecord,
  type ScenarioRecord,
  writeResource,
  writeScenario,
} from './repo.js';

const serviceRef = (service: string) => `component:default/${service}`;

async function authoriseResource(
  db: Kysely<Database>,
  actor: Actor,
  change: ChangeToAuthorise<ResourceRecord>,
): Promise<Verdict> {
  if (actor.role !== 'editor') return canChangeOwned(actor, null, change.what);
  for (const record of [change.current?.record, change.desired]) {
    if (!record) continue;
    const team = await serviceOwnerTeam(db, serviceRef(record.definition.service), change.declared);
    const verdict = canChangeOwned(actor, team, `${change.what} (service '${record.definition.service}')`);
    if (!verdict.allowed) return verdict;
  }
  return { allowed: true };
}

async function serviceStored(db: Kysely<Database>, name: string): Promise<boolean> {
  const row = await db
    .selectFrom('services')
    .select('id')
    .where('namespace', '=', 'default')
    .where('name', '=', name)
    .executeTakeFirst();
  return row !== undefined;
}

async function verifyResources(db: Kysely<Database>, plan: PlanContext): Promise<PlanCheck> {
  const warnings: PlanCheck['warnings'] = [];
  const problems: FieldProblem[] = [];
  for (const o of plan.objects.filter(isCapacityResourceObject)) {
    const r = o.data.resource;
    const ref = serviceRef(r.service);
    const exists = !plan.removed.has(ref) && (plan.declared.has(ref) || (await serviceStored(db, r.service)));
    if (!exists) {
      const at = o.locate?.(['spec', 'service']) ?? o.source;
      problems.push({
        path: '/spec/service',
        message: `CapacityResource '${r.name}': service '${r.service}' is not in the catalog; add it (a Backstage Component, or headroom services create) first`,
        file: at.file,
        line: at.line,
        column: at.column,
      });
    }
    if (r.source.type === 'prometheus' && r.source.dataSourceRef) {
      const dsRef = openSloRef('DataSource', r.source.dataSourceRef);
      const known =
        !plan.removed.has(dsRef) &&
        (plan.declared.has(dsRef) ||
          (await findObjectRow(db, 'DataSource', r.source.dataSourceRef)) !== undefined);
      if (!known) {
        const at = o.locate?.(['spec', 'source', 'prometheus', 'dataSourceRef']) ?? o.source;
        warnings.push({
          message: `CapacityResource '${r.name}': DataSource '${r.source.dataSourceRef}' is not stored or declared; polling fails until it is applied.`,
          file: at.file,
          line: at.line,
          path: '/spec/source/prometheus/dataSourceRef',
        });
      }
    }
  }
  return { warnings, problems };
}

export const capacityResourceStore: ApplyStore<CapacityResourceObject, ResourceRecord> = {
  type: CAPACITY_RESOURCE_TYPE,
  refKinds: [CAPACITY_RESOURCE_REF_KIND],
  // After services and OpenSLO DataSources (50).
  order: 90,
  auditKind: 'capacity-resource',
  toRecord: (data) => ({ name: data.resource.name, definition: data.resource, document: data.document }),
  load: async (db, ref) => loadedDefinition(await findResource(db, ref.name)),
  diff: diffDefinitions,
  authorise: authoriseResource,
  write: writeResource,
  remove: (db, ref) => deleteResource(db, ref.name),
  verify: verifyResources,
};

export const growthScenarioStore: ApplyStore<GrowthScenarioObject, ScenarioRecord> = {
  type: GROWTH_SCENARIO_TYPE,
  refKinds: [GROWTH_SCENARIO_REF_KIND],
  order: 91,
  auditKind: 'growth-scenario',
  toRecord: (data) => ({ name: data.scenario.name, definition: data.scenario, document: data.document }),
  load: async (db, ref) => loadedDefinition(await findScenario(db, ref.name)),
  diff: diffDefinitions,
  authorise: async (_db, actor, change) => canChangeOwned(actor, null, change.what),
  write: writeScenario,
  remove: (db, ref) => deleteScenario(db, ref.name),
};

export const capacityStores = [
  capacityResourceStore,
  growthScenarioStore,
] as unknown as readonly ApplyStore[];

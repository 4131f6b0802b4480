/** Capacity planning's tables (migration 0021_capacity). */

export interface CapacityResourcesTable {
  id: string;
  name: string;
  service: string;
  definition: string; // JSON CapacityResourceDefinition
  document: string; // JSON, as written
  created_at: number;
  updated_at: number;
}

export interface CapacityScenariosTable {
  id: string;
  name: string;
  definition: string; // JSON GrowthScenarioDefinition
  document: string;
  created_at: number;
  updated_at: number;
}

export interface CapacitySamplesTable {
  resource: string;
  ts: number;
  value: number;
}

export interface CapacityHoursTable {
  resource: string;
  hour: number;
  max: number;
  sum: number;
  count: number;
}

export interface CapacityStateTable {
  resource: string;
  usage_changed_at: number | null;
  covered_from: number | null;
  covered_to: number | null;
  last_success_at: number | null;
  last_error: string | null;
  limit_value: number | null;
  limit_at: number | null;
}

export interface CapacityTables {
  capacity_resources: CapacityResourcesTable;
  capacity_scenarios: CapacityScenariosTable;
  capacity_samples: CapacitySamplesTable;
  capacity_hours: CapacityHoursTable;
  capacity_state: CapacityStateTable;
}

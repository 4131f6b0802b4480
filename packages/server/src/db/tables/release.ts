/** Error budget policies, the release gate and deployments (migrations 0019, 0020). */

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

export interface ReleaseTables {
  error_budget_policies: ErrorBudgetPoliciesTable;
  budget_exemptions: BudgetExemptionsTable;
  gate_decisions: GateDecisionsTable;
  deployments: DeploymentsTable;
  deployment_incidents: DeploymentIncidentsTable;
}

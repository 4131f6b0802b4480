/** The opportunity-solution tree (0023_discovery); names are the ids, JSON as text. */

export interface OutcomesTable {
  name: string;
  title: string;
  description: string | null;
  metric: string; // JSON: core's OutcomeMetric
  document: string | null; // JSON: the document as applied; null when made through the API
  created_at: number;
  updated_at: number;
}

export interface OpportunitiesTable {
  name: string;
  outcome: string;
  parent: string | null;
  title: string;
  description: string | null;
  services: string; // JSON array of service names
  document: string | null;
  created_at: number;
  updated_at: number;
}

export interface SolutionsTable {
  name: string;
  opportunity: string;
  title: string;
  description: string | null;
  status: string; // idea | building | shipped | dropped
  scored: number; // 0/1
  reach: number | null; // an override of the evidence's reach
  reach_override_reason: string | null;
  impact: number | null;
  confidence: number | null;
  effort: number | null;
  document: string | null;
  created_at: number;
  updated_at: number;
}

export interface AssumptionTestsTable {
  name: string;
  solution: string;
  assumption: string;
  kind: string;
  method: string | null;
  success_criterion: string | null;
  status: string;
  result: string | null;
  document: string | null;
  created_at: number;
  updated_at: number;
}

/** Opportunity → feedback item (FB-<n>) or interview (INT-<n>). */
export interface OpportunityLinksTable {
  opportunity: string;
  target_kind: string; // feedback | interview
  target_id: string;
  created_by: string;
  created_at: number;
}

export interface DiscoveryTables {
  outcomes: OutcomesTable;
  opportunities: OpportunitiesTable;
  solutions: SolutionsTable;
  assumption_tests: AssumptionTestsTable;
  opportunity_links: OpportunityLinksTable;
}

/** Catalog, identity and audit (migration 0001). */
import type { Generated } from 'kysely';

export interface TeamsTable {
  id: string;
  namespace: string;
  name: string;
  title: string | null;
  description: string | null;
  type: string | null;
  email: string | null;
  parent_ref: string | null;
  annotations: string; // JSON object
  labels: string; // JSON object
  links: string; // JSON array
  tags: Generated<string>; // JSON array
  picture: string | null; // profile picture URL
  created_at: number;
  updated_at: number;
}

export interface UsersTable {
  id: string;
  namespace: string;
  name: string;
  display_name: string | null;
  email: string | null;
  role: 'viewer' | 'editor' | 'admin';
  password_hash: string | null;
  annotations: string;
  labels: string;
  tags: Generated<string>; // JSON array
  links: Generated<string>; // JSON array
  picture: string | null; // profile picture URL
  created_at: number;
  updated_at: number;
}

export interface TeamMembersTable {
  team_id: string;
  user_id: string;
}

export interface ServicesTable {
  id: string;
  namespace: string;
  name: string;
  title: string | null;
  description: string | null;
  /** Entity ref of the owner as written (`group:default/payments`); resolved through teams. */
  owner_ref: string | null;
  owner_team_id: string | null;
  type: string | null;
  tier: number;
  lifecycle: string;
  system_ref: string | null;
  tags: string; // JSON array
  links: string; // JSON array
  business: string; // JSON object
  annotations: string;
  labels: string;
  created_at: number;
  updated_at: number;
}

/** Backstage kinds that are not services, teams or users: System, Domain, API, Resource. */
export interface EntitiesTable {
  id: string;
  kind: string;
  namespace: string;
  name: string;
  title: string | null;
  description: string | null;
  owner_ref: string | null;
  owner_team_id: string | null;
  spec: string; // JSON object, as written
  tags: string;
  links: string;
  annotations: string;
  labels: string;
  created_at: number;
  updated_at: number;
}

/** Directed relations between entity refs; targets may not resolve (yet). */
export interface RelationsTable {
  source_ref: string;
  type: string;
  target_ref: string;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  prefix: string;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface SessionsTable {
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: number;
  expires_at: number;
}

export interface AuditLogTable {
  id: string;
  at: number;
  actor_id: string | null;
  actor_name: string;
  action: string;
  target_kind: string;
  target_ref: string;
  detail: string; // JSON
  request_id: string | null;
}

/** Objects that `apply` created, so `--prune` deletes only those. */
export interface AppliedObjectsTable {
  kind: string;
  ref: string;
  source: string;
  applied_at: number;
}

/** Headroom's own secrets by name (0011_secrets): the DataSource key id, and the key when kept in the database. */
export interface SecretsTable {
  name: string;
  value: string;
  created_at: number;
  updated_at: number;
}

export interface CatalogTables {
  teams: TeamsTable;
  users: UsersTable;
  team_members: TeamMembersTable;
  services: ServicesTable;
  entities: EntitiesTable;
  relations: RelationsTable;
  api_tokens: ApiTokensTable;
  sessions: SessionsTable;
  audit_log: AuditLogTable;
  applied_objects: AppliedObjectsTable;
  secrets: SecretsTable;
}

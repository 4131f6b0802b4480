/** A whole Headroom app on a fresh database, for route tests with fastify's inject. */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.js';
import { configFromEnv, type ServerConfig } from '../config.js';
import type { Db } from '../db/index.js';
import { freshDatabase } from './databases.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export interface TestApp {
  app: FastifyInstance;
  database: Db;
  /** Authorization header for the bootstrap admin. */
  admin: { authorization: string };
  /** Creates a user with a role and teams and returns its Authorization header. */
  userWithToken(
    name: string,
    role: 'viewer' | 'editor' | 'admin',
    teams?: string[],
  ): Promise<{ authorization: string }>;
  close(): Promise<void>;
}

export function testConfig(overrides: Partial<ServerConfig> = {}): ServerConfig {
  return { ...configFromEnv({}), adminToken: ADMIN_TOKEN, logLevel: 'silent', ...overrides };
}

export async function startTestApp(
  kind: 'sqlite' | 'postgres',
  overrides: Partial<ServerConfig> = {},
): Promise<TestApp> {
  const database = await freshDatabase(kind);
  const app = await buildApp({ config: testConfig(overrides), database, logger: false });
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
  return {
    app,
    database,
    admin,
    async userWithToken(name, role, teams = []) {
      const created = await app.inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: admin,
        payload: { name, role, teams },
      });
      if (created.statusCode !== 201)
        throw new Error(`creating user ${name}: ${created.statusCode} ${created.body}`);
      const token = await app.inject({
        method: 'POST',
        url: '/api/v1/tokens',
        headers: admin,
        payload: { name: 'test', user: name },
      });
      if (token.statusCode !== 201)
        throw new Error(`creating token for ${name}: ${token.statusCode} ${token.body}`);
      return { authorization: `Bearer ${token.json().token}` };
    },
    async close() {
      await app.close();
      await database.close();
    },
  };
}

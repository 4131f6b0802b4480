/** Server configuration from the environment; every variable is listed in the README. */
export interface ServerConfig {
  databaseUrl: string;
  host: string;
  port: number;
  /** When set on first start, becomes the admin's API token instead of a random one. */
  adminToken: string | undefined;
  /** Public URL used in links Headroom sends out; defaults to http://host:port. */
  publicUrl: string | undefined;
  logLevel: string;
  /** Session cookie lifetime. */
  sessionTtlMs: number;
  /** Set the Secure flag on the session cookie (behind TLS). */
  secureCookies: boolean;
  /** Largest accepted request body. */
  bodyLimitBytes: number;
  /** SLI buckets older than this many days are deleted, and records older than it are refused. */
  sliRetentionDays: number;
  /** Seconds between SLO evaluation passes; 0 turns the evaluator off in this process. */
  evaluationIntervalSeconds: number;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  return {
    databaseUrl: env.HEADROOM_DATABASE_URL || './data/headroom.db',
    host: env.HEADROOM_HOST || '127.0.0.1',
    port: Number(env.HEADROOM_PORT || 7070),
    adminToken: env.HEADROOM_ADMIN_TOKEN || undefined,
    publicUrl: env.HEADROOM_PUBLIC_URL || undefined,
    logLevel: env.HEADROOM_LOG_LEVEL || 'info',
    sessionTtlMs: Number(env.HEADROOM_SESSION_TTL_HOURS || 12) * 3_600_000,
    secureCookies: env.HEADROOM_SECURE_COOKIES === 'true',
    bodyLimitBytes: 1024 * 1024,
    sliRetentionDays: positiveInteger(env, 'HEADROOM_SLI_RETENTION_DAYS', 400),
    evaluationIntervalSeconds:
      env.HEADROOM_EVALUATION_INTERVAL_SECONDS === '0'
        ? 0
        : positiveInteger(env, 'HEADROOM_EVALUATION_INTERVAL_SECONDS', 30),
  };
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} must be a whole number of at least 1, got '${text}'`);
  return value;
}

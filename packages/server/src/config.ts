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
  };
}

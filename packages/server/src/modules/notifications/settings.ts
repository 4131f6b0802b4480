/** The notification dispatcher's settings from the environment (see the README's table). */

export interface NotificationSettings {
  /** How often a dispatcher looks for due notifications; 0 runs none in this process. */
  pollIntervalMs: number;
  /** Attempts before a notification is dead-lettered (counted again from a retry by hand). */
  maxAttempts: number;
  /** Deadline of one delivery (a channel's timeoutSeconds overrides it). */
  timeoutMs: number;
  /** How long a claimed notification stays with its dispatcher; at least three times the timeout. */
  leaseMs: number;
  /** Back-off: a random delay up to min(max, base × 2^(attempt − 1)) ("full jitter"). */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Server-wide SMTP for e-mail channels without their own: smtp://user:pass@host:587 or smtps://…:465. */
  smtpUrl: string | undefined;
  /** Sender of e-mail channels without `from`. */
  smtpFrom: string | undefined;
}

function whole(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min)
    throw new Error(`${name} must be a whole number of at least ${min}, got '${text}'`);
  return value;
}

export function notificationSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): NotificationSettings {
  const timeoutMs = whole(env, 'HEADROOM_NOTIFICATION_TIMEOUT_SECONDS', 10, 1) * 1000;
  const leaseMs = whole(env, 'HEADROOM_NOTIFICATION_LEASE_SECONDS', 120, 1) * 1000;
  if (leaseMs < 3 * timeoutMs)
    throw new Error(
      'HEADROOM_NOTIFICATION_LEASE_SECONDS must be at least three times HEADROOM_NOTIFICATION_TIMEOUT_SECONDS, so that a lease never runs out during a delivery',
    );
  const backoffBaseMs = whole(env, 'HEADROOM_NOTIFICATION_BACKOFF_BASE_SECONDS', 2, 1) * 1000;
  const backoffMaxMs = whole(env, 'HEADROOM_NOTIFICATION_BACKOFF_MAX_SECONDS', 600, 1) * 1000;
  if (backoffMaxMs < backoffBaseMs)
    throw new Error(
      'HEADROOM_NOTIFICATION_BACKOFF_MAX_SECONDS must be at least HEADROOM_NOTIFICATION_BACKOFF_BASE_SECONDS',
    );
  const smtpUrl = env.HEADROOM_SMTP_URL || undefined;
  if (smtpUrl !== undefined && !/^smtps?:\/\/[^/]+/.test(smtpUrl))
    throw new Error('HEADROOM_SMTP_URL must look like smtp://user:password@host:587 or smtps://host:465');
  return {
    pollIntervalMs: whole(env, 'HEADROOM_NOTIFICATION_POLL_MS', 1000, 0),
    maxAttempts: whole(env, 'HEADROOM_NOTIFICATION_MAX_ATTEMPTS', 12, 1),
    timeoutMs,
    leaseMs,
    backoffBaseMs,
    backoffMaxMs,
    smtpUrl,
    smtpFrom: env.HEADROOM_SMTP_FROM || undefined,
  };
}

import { describe, expect, it } from 'vitest';
import { backoffDelay, MAX_RETRY_AFTER_MS, parseRetryAfter, retryDelay } from './backoff.js';
import { notificationSettingsFromEnv } from './settings.js';

const s = { backoffBaseMs: 2000, backoffMaxMs: 600_000 };

describe('back-off', () => {
  it('draws a full-jitter delay below an exponential ceiling capped at the maximum', () => {
    expect([1, 2, 3, 10].map((a) => backoffDelay(a, s, () => 0.999_999))).toEqual([
      1999, 3999, 7999, 599_999,
    ]);
    expect(backoffDelay(60, s, () => 0.5)).toBe(300_000);
    expect(backoffDelay(4, s, () => 0)).toBe(0);
  });

  it('honours Retry-After as seconds or an HTTP date, within an hour', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Tue, 01 Jan 2030 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('999999', now)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
    expect(retryDelay(1, 120_000, s, () => 0.5)).toBe(120_000);
    expect(retryDelay(10, 1000, s, () => 0.5)).toBe(300_000);
  });

  it('reads its settings from the environment and refuses a lease shorter than three timeouts', () => {
    expect(notificationSettingsFromEnv({})).toMatchObject({
      pollIntervalMs: 1000,
      maxAttempts: 12,
      timeoutMs: 10_000,
      leaseMs: 120_000,
      backoffBaseMs: 2000,
      backoffMaxMs: 600_000,
    });
    expect(notificationSettingsFromEnv({ HEADROOM_NOTIFICATION_POLL_MS: '0' }).pollIntervalMs).toBe(0);
    expect(() =>
      notificationSettingsFromEnv({
        HEADROOM_NOTIFICATION_TIMEOUT_SECONDS: '60',
        HEADROOM_NOTIFICATION_LEASE_SECONDS: '120',
      }),
    ).toThrow(/at least three times/);
    expect(() => notificationSettingsFromEnv({ HEADROOM_SMTP_URL: 'mail.example.com' })).toThrow(
      /HEADROOM_SMTP_URL/,
    );
    expect(() => notificationSettingsFromEnv({ HEADROOM_NOTIFICATION_MAX_ATTEMPTS: '0' })).toThrow(
      /at least 1/,
    );
  });
});

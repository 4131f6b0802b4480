import { describe, expect, it } from 'vitest';
import { LoginThrottle } from './login-throttle.js';

describe('LoginThrottle', () => {
  it('refuses after the allowed failures and lets in again when the window has passed', () => {
    let now = 1_000_000;
    const throttle = new LoginThrottle({ maxFailures: 3, windowMs: 60_000, now: () => now });
    const keys = ['user:alice', 'ip:10.0.0.1'];
    for (let i = 0; i < 3; i++) {
      expect(throttle.retryAfterSeconds(keys)).toBe(0);
      throttle.recordFailure(keys);
      now += 1_000;
    }
    // The first failure was 3 s ago; it leaves the window 57 s from now.
    expect(throttle.retryAfterSeconds(keys)).toBe(57);
    expect(throttle.retryAfterSeconds(['user:bob'])).toBe(0);
    expect(throttle.retryAfterSeconds(['user:bob', 'ip:10.0.0.1'])).toBe(57);
    now += 57_000;
    expect(throttle.retryAfterSeconds(keys)).toBe(0);
  });

  it('forgets failures after a successful login', () => {
    const throttle = new LoginThrottle({ maxFailures: 2, windowMs: 60_000 });
    throttle.recordFailure(['user:alice']);
    throttle.recordSuccess(['user:alice']);
    throttle.recordFailure(['user:alice']);
    expect(throttle.retryAfterSeconds(['user:alice'])).toBe(0);
  });
});

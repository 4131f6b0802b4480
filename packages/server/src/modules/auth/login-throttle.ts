/**
 * Slows password guessing: after `maxFailures` failed logins for one user name, or from one
 * client address, within `windowMs`, further attempts are refused until the window passes.
 * Kept in memory per process: a restart forgets, which is acceptable for a brake on guessing.
 */
export interface ThrottleOptions {
  maxFailures: number;
  windowMs: number;
  now?: () => number;
}

export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();
  private readonly now: () => number;

  constructor(private readonly options: ThrottleOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Seconds until the next attempt is allowed for any of these keys, or 0 when allowed now. */
  retryAfterSeconds(keys: string[]): number {
    const now = this.now();
    let waitMs = 0;
    for (const key of keys) {
      const recent = this.recent(key, now);
      if (recent.length >= this.options.maxFailures) {
        waitMs = Math.max(waitMs, recent[0]! + this.options.windowMs - now);
      }
    }
    return Math.ceil(waitMs / 1000);
  }

  recordFailure(keys: string[]): void {
    const now = this.now();
    for (const key of keys) this.failures.set(key, [...this.recent(key, now), now]);
    if (this.failures.size > 10_000) this.prune(now);
  }

  recordSuccess(keys: string[]): void {
    for (const key of keys) this.failures.delete(key);
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => t > now - this.options.windowMs);
  }

  private prune(now: number): void {
    for (const [key, times] of this.failures) {
      if (times.every((t) => t <= now - this.options.windowMs)) this.failures.delete(key);
    }
  }
}

/**
 * A token bucket per key: `perMinute` tokens when full, refilled continuously at perMinute / 60 s.
 * A burst of a full minute's worth passes at once; after that, events pass at the steady rate.
 * In memory, per process (several Headroom processes each allow the rate).
 */
export class TokenBuckets {
  readonly #capacity: number;
  readonly #perMs: number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(readonly perMinute: number) {
    this.#capacity = perMinute;
    this.#perMs = perMinute / 60_000;
  }

  /** Takes a token for `key`: 0 when allowed, else the whole seconds to wait for the next one. */
  take(key: string, now = Date.now()): number {
    const bucket = this.#buckets.get(key) ?? { tokens: this.#capacity, at: now };
    bucket.tokens = Math.min(this.#capacity, bucket.tokens + Math.max(0, now - bucket.at) * this.#perMs);
    bucket.at = now;
    this.#buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    if (this.#buckets.size > 10_000) this.#forgetFull(now);
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.#perMs / 1000));
  }

  /** Full buckets hold nothing worth keeping. */
  #forgetFull(now: number): void {
    for (const [key, b] of this.#buckets)
      if (b.tokens + (now - b.at) * this.#perMs >= this.#capacity) this.#buckets.delete(key);
  }
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { budgetStatus } from './budget.js';
import { compositeStatus } from './composite.js';

describe('compositeStatus', () => {
  it('one objective alone is that objective', () => {
    fc.assert(
      fc.property(
        fc.nat(1e6),
        fc.nat(1e4),
        fc.constantFrom(0.9, 0.99, 0.999),
        fc.double({ min: 0.1, max: 10, noNaN: true }),
        (good, bad, objective, weight) => {
          const alone = budgetStatus(good, good + bad, objective);
          const composite = compositeStatus([{ good, total: good + bad, objective, weight }]);
          expect(composite.consumed).toBeCloseTo(alone.consumed, 9);
          if (alone.sli === null) expect(composite.sli).toBeNull();
          else expect(composite.sli).toBeCloseTo(alone.sli, 12);
        },
      ),
    );
  });

  it('burns when any objective burns, faster the heavier it is', () => {
    const healthy = { good: 1_000, total: 1_000, objective: 0.99, weight: 1 };
    const burning = { good: 990, total: 1_000, objective: 0.99, weight: 1 }; // its own budget all used
    expect(compositeStatus([healthy, { ...healthy }]).consumed).toBe(0);
    const even = compositeStatus([healthy, burning]).consumed;
    const heavy = compositeStatus([healthy, { ...burning, weight: 3 }]).consumed;
    expect(even).toBeCloseTo(0.5, 12);
    expect(heavy).toBeCloseTo(0.75, 12);
  });

  it('prices each objective against its own budget', () => {
    // Same 1 % errors: all of a 99 % objective's budget, a tenth of a 90 % one's.
    const strict = { good: 99, total: 100, objective: 0.99, weight: 1 };
    const loose = { good: 99, total: 100, objective: 0.9, weight: 1 };
    expect(compositeStatus([strict, loose]).consumed).toBeCloseTo((1 + 0.1) / 2, 12);
  });

  it('Occurrences pools events: a busier objective counts for more, as a ratio of sums', () => {
    const busy = { good: 9_900, total: 10_000, objective: 0.99, weight: 1 };
    const quiet = { good: 100, total: 100, objective: 0.99, weight: 1 };
    expect(compositeStatus([busy, quiet]).consumed).toBeCloseTo(100 / 0.01 / 10_100, 12);
    expect(compositeStatus([busy, quiet]).sli).toBe(10_000 / 10_100);
  });

  it('without data: no SLI, nothing consumed, no burn rate; bad weights are refused', () => {
    expect(compositeStatus([{ good: 0, total: 0, objective: 0.9, weight: 2 }])).toEqual({
      sli: null,
      consumed: 0,
      remaining: 1,
      burnRate: null,
    });
    expect(() => compositeStatus([{ good: 1, total: 1, objective: 0.9, weight: 0 }])).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
  });
});

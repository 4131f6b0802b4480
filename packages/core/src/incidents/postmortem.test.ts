import { describe, expect, it } from 'vitest';
import { HeadroomError } from '../errors.js';
import { declareIncident } from './change.js';
import {
  type ActionItem,
  closingBlockers,
  emptySections,
  isOverdue,
  POSTMORTEM_SECTIONS,
  type Postmortem,
  postmortemRequirement,
  publishPostmortem,
  validateActionItem,
} from './postmortem.js';

const T0 = Date.parse('2026-03-01T10:00:00Z');

const incident = (severity: 'SEV1' | 'SEV2' | 'SEV3' | 'SEV4') =>
  declareIncident({ id: 'inc-1', title: 'Checkout errors', severity }, 'alice', T0).incident;

const postmortem = (status: Postmortem['status'], filled = true): Postmortem => ({
  incidentId: 'inc-1',
  status,
  sections: filled
    ? { ...emptySections(), summary: 'S', impact: 'I', timeline: 'T', rootCauses: 'R' }
    : emptySections(),
  authors: ['alice'],
  createdAt: T0,
  updatedAt: T0,
  publishedAt: status === 'published' ? T0 : null,
});

const item = (overrides: Partial<ActionItem> = {}): ActionItem => ({
  id: 'a1',
  incidentId: 'inc-1',
  service: 'checkout',
  title: 'Add a canary stage',
  owner: 'carol',
  priority: 'P1',
  dueDate: '2026-03-15',
  status: 'open',
  ticketUrl: 'https://tracker.example/T-1',
  ...overrides,
});

function caught(fn: () => unknown): HeadroomError {
  try {
    fn();
  } catch (e) {
    if (e instanceof HeadroomError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

describe('the template', () => {
  it('has the blameless sections, lessons learned included', () => {
    expect(POSTMORTEM_SECTIONS.map((s) => s.key)).toEqual([
      'summary',
      'impact',
      'timeline',
      'rootCauses',
      'trigger',
      'detection',
      'resolution',
      'whatWentWell',
      'whatWentWrong',
      'whereWeGotLucky',
      'actionItems',
    ]);
  });
});

describe('postmortemRequirement and closingBlockers', () => {
  it('SEV1 and SEV2 need one by default, SEV3 and SEV4 do not', () => {
    expect(postmortemRequirement(incident('SEV1')).required).toBe(true);
    expect(postmortemRequirement(incident('SEV2')).required).toBe(true);
    expect(postmortemRequirement(incident('SEV3')).required).toBe(false);
    expect(closingBlockers(incident('SEV4'))).toEqual([]);
  });

  it('more than 20 % of an SLO budget requires one with a P0 action item, whatever the severity', () => {
    const sev4 = incident('SEV4');
    const budget = [
      { slo: 'checkout-availability', fraction: 0.25 },
      { slo: 'search-latency', fraction: 0.2 }, // exactly 20 % is not "more than"
    ];
    const req = postmortemRequirement(sev4, budget);
    expect(req).toMatchObject({ required: true, p0ActionItemRequired: true });
    expect(req.reasons).toEqual([
      "it consumed 25 % of SLO 'checkout-availability' four-week error budget (more than 20 %).",
    ]);
    const ctx = { budgetConsumed: budget, postmortem: postmortem('published') };
    expect(closingBlockers(sev4, { ...ctx, actionItems: [item()] })).toEqual([
      'An incident over the error budget threshold needs at least one P0 action item.',
    ]);
    expect(closingBlockers(sev4, { ...ctx, actionItems: [item({ priority: 'P0' })] })).toEqual([]);
    // a P0 of another incident does not count
    expect(
      closingBlockers(sev4, { ...ctx, actionItems: [item({ priority: 'P0', incidentId: 'x' })] }),
    ).toHaveLength(1);
  });

  it('explains what is missing for an unpublished postmortem', () => {
    const [none] = closingBlockers(incident('SEV1'));
    expect(none).toBe(
      'A postmortem is required because SEV1 incidents require a postmortem. None has been started.',
    );
    const [review] = closingBlockers(incident('SEV1'), { postmortem: postmortem('in-review') });
    expect(review).toContain('It is still in-review; publish it first.');
    expect(closingBlockers(incident('SEV1'), { postmortem: postmortem('published') })).toEqual([]);
  });

  it('the severity list is configurable', () => {
    const policy = { requiredSeverities: ['SEV1' as const], budgetThreshold: 0.5 };
    expect(closingBlockers(incident('SEV2'), { policy })).toEqual([]);
    expect(
      closingBlockers(incident('SEV2'), { policy, budgetConsumed: [{ slo: 'x', fraction: 0.3 }] }),
    ).toEqual([]);
  });
});

describe('publishPostmortem', () => {
  it('names each empty required section', () => {
    const e = caught(() => publishPostmortem(postmortem('draft', false), T0));
    expect(e.code).toBe('POSTMORTEM_INCOMPLETE');
    expect(e.errors?.map((p) => p.path)).toEqual([
      '/sections/summary',
      '/sections/impact',
      '/sections/timeline',
      '/sections/rootCauses',
    ]);
  });
  it('publishes a complete one and keeps the first publication time', () => {
    const p = publishPostmortem(postmortem('in-review'), T0 + 1000);
    expect(p).toMatchObject({ status: 'published', publishedAt: T0 + 1000 });
    expect(publishPostmortem(p, T0 + 5000).publishedAt).toBe(T0 + 1000);
  });
});

describe('action items', () => {
  it('accepts a valid item and names every bad field', () => {
    expect(() => validateActionItem(item())).not.toThrow();
    const e = caught(() =>
      validateActionItem(
        item({
          owner: ' ',
          priority: 'P5' as 'P0',
          dueDate: '2026-02-30',
          ticketUrl: 'ftp://x',
          status: 'x' as 'open',
        }),
      ),
    );
    expect(e.code).toBe('INVALID_ACTION_ITEM');
    expect(e.errors?.map((p) => p.path)).toEqual([
      '/owner',
      '/priority',
      '/status',
      '/dueDate',
      '/ticketUrl',
    ]);
  });
  it('is overdue when open or in progress past its due date', () => {
    expect(isOverdue(item(), '2026-03-16')).toBe(true);
    expect(isOverdue(item(), '2026-03-15')).toBe(false);
    expect(isOverdue(item({ status: 'done' }), '2026-04-01')).toBe(false);
    expect(isOverdue(item({ dueDate: null }), '2026-04-01')).toBe(false);
  });
});

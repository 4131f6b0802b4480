import Value from 'typebox/value';
import { describe, expect, it } from 'vitest';
import {
  Incident as ApiIncident,
  MttxReport as ApiMttxReport,
  DeclareIncidentRequest,
  IncidentChangeRequest,
  SeverityDefinition,
} from '../api/incident.js';
import { applyIncidentChange, declareIncident } from './change.js';
import { postmortemDraft, postmortemMarkdown } from './draft.js';
import { DEFAULT_SEVERITY_DEFINITIONS } from './model.js';
import { mttxReport, pageAcknowledgement } from './mttx.js';
import {
  changeFromRequest,
  declareInputFromRequest,
  incidentView,
  mttxReportView,
  severityDefinitionsView,
} from './view.js';

const T0 = Date.parse('2026-03-01T10:00:00Z');
const MIN = 60_000;

function runThrough() {
  const d = declareIncident(
    {
      id: 'inc-7',
      title: 'Checkout 5xx',
      summary: 'A bad deploy broke checkout.',
      severity: 'SEV2',
      services: ['checkout'],
      impactStartedAt: T0 - 4 * MIN,
      detectedAt: T0 - 2 * MIN,
    },
    'alice',
    T0,
  );
  let incident = d.incident;
  const timeline = [...d.timeline];
  for (const [change, at] of [
    [{ type: 'role', role: 'commander', user: 'carol' }, T0 + MIN],
    [{ type: 'status', status: 'mitigated' }, T0 + 20 * MIN],
    [{ type: 'status', status: 'resolved' }, T0 + 64 * MIN],
  ] as const) {
    const r = applyIncidentChange(incident, change, 'carol', at);
    incident = r.incident;
    timeline.push(...r.timeline);
  }
  return { incident, timeline };
}

describe('API views', () => {
  it('an incident view matches the API schema and names why it cannot close', () => {
    const { incident } = runThrough();
    const view = incidentView(incident);
    expect(Value.Check(ApiIncident, view)).toBe(true);
    expect(view.milestones).toMatchObject({
      impactStartedAt: '2026-03-01T09:56:00.000Z',
      acknowledgedAt: '2026-03-01T10:01:00.000Z',
      resolvedAt: '2026-03-01T11:04:00.000Z',
      closedAt: null,
    });
    expect(view.nextStatuses).toEqual(['closed', 'investigating']);
    expect(view.postmortem).toMatchObject({ required: true, status: null });
    expect(view.closingBlockers).toHaveLength(1);
  });

  it('MTTx and severity views match their schemas, in seconds', () => {
    const { incident } = runThrough();
    const period = { from: T0 - 86_400_000, to: T0 + 86_400_000 };
    const pages = pageAcknowledgement(
      [
        { policy: 'payments', startedAt: T0, acknowledgedAt: T0 + 90_000 },
        { policy: 'payments', startedAt: T0 + 1000, acknowledgedAt: null },
      ],
      period,
    );
    const view = mttxReportView(mttxReport([incident], period), pages);
    expect(Value.Check(ApiMttxReport, view)).toBe(true);
    expect(view.pages.overall).toMatchObject({ count: 1, missing: 1, meanSeconds: 90 });
    expect(view.overall.metrics.mttr.meanSeconds).toBe(68 * 60);
    expect(view.definitions.map((d) => d.metric)).toEqual(['mttd', 'mtta', 'mttm', 'mttr', 'mttrDeclared']);
    const sev = severityDefinitionsView(DEFAULT_SEVERITY_DEFINITIONS);
    expect(sev.every((s) => Value.Check(SeverityDefinition, s))).toBe(true);
    expect(sev.map((s) => s.postmortemRequired)).toEqual([true, true, false, false]);
  });

  it('request schemas accept good bodies and refuse bad ones', () => {
    expect(
      Value.Check(DeclareIncidentRequest, { title: 'x', severity: 'SEV2', services: ['checkout'] }),
    ).toBe(true);
    expect(Value.Check(DeclareIncidentRequest, { title: 'x', severity: 'SEV5' })).toBe(false);
    expect(Value.Check(DeclareIncidentRequest, { title: '', severity: 'SEV1' })).toBe(false);
    expect(
      Value.Check(IncidentChangeRequest, { type: 'status', status: 'merged', mergedInto: 'inc-1' }),
    ).toBe(true);
    expect(Value.Check(IncidentChangeRequest, { type: 'status', status: 'done' })).toBe(false);
    expect(
      Value.Check(IncidentChangeRequest, {
        type: 'milestones',
        milestones: { mitigatedAt: '2026-03-01T10:00:00Z' },
      }),
    ).toBe(true);
    expect(Value.Check(IncidentChangeRequest, { type: 'milestones', milestones: { fixedAt: null } })).toBe(
      false,
    );
    expect(Value.Check(IncidentChangeRequest, { type: 'role', role: 'commander', user: null })).toBe(true);
  });
});

describe('postmortem draft and Markdown', () => {
  it('prefills summary, impact and timeline from the incident', () => {
    const { incident, timeline } = runThrough();
    const pm = postmortemDraft(
      incident,
      timeline,
      [{ slo: 'checkout-availability', fraction: 0.31 }],
      ['carol'],
      T0,
    );
    expect(pm.sections.summary).toBe('A bad deploy broke checkout.');
    expect(pm.sections.impact).toContain('- Time to detect: 2 min (from impact started to detected)');
    expect(pm.sections.impact).toContain('- Time to resolve: 1 h 08 min');
    expect(pm.sections.impact).toContain('SLO checkout-availability: 31.0 % of four weeks');
    expect(pm.sections.timeline.split('\n')[0]).toBe(
      '- 2026-03-01T10:00:00Z — alice declared SEV2 incident "Checkout 5xx" (alice)',
    );
    const md = postmortemMarkdown(pm, incident, [
      {
        id: 'a1',
        incidentId: 'inc-7',
        service: 'checkout',
        title: 'Canary | deploys',
        owner: 'carol',
        priority: 'P0',
        dueDate: '2026-03-15',
        status: 'open',
        ticketUrl: null,
      },
    ]);
    expect(md).toContain('# Postmortem: Checkout 5xx');
    expect(md).toContain('## Where we got lucky\n\n_Not written._');
    expect(md).toContain('| P0 | Canary \\| deploys | carol | 2026-03-15 | open |  |');
  });
});

describe('requests into core inputs', () => {
  it('converts times to epoch ms and names a bad one', () => {
    expect(
      declareInputFromRequest('inc-9', {
        title: 'x',
        severity: 'SEV3',
        impactStartedAt: '2026-03-01T09:00:00Z',
      }),
    ).toEqual({
      id: 'inc-9',
      title: 'x',
      severity: 'SEV3',
      impactStartedAt: Date.parse('2026-03-01T09:00:00Z'),
    });
    expect(
      changeFromRequest({
        type: 'milestones',
        milestones: { mitigatedAt: null, detectedAt: '2026-03-01T09:30:00Z' },
      }),
    ).toEqual({
      type: 'milestones',
      milestones: { mitigatedAt: null, detectedAt: Date.parse('2026-03-01T09:30:00Z') },
    });
    expect(changeFromRequest({ type: 'status', status: 'resolved', at: '2026-03-01T11:00:00Z' })).toEqual({
      type: 'status',
      status: 'resolved',
      at: Date.parse('2026-03-01T11:00:00Z'),
    });
    expect(() => changeFromRequest({ type: 'acknowledge', at: 'yesterday' })).toThrow(/\/at/);
  });
});

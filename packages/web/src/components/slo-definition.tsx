import type { Slo, SloIndicator } from '@headroom/core/api/slo';
import { formatPercent } from '../format';
import { StateBadge } from './slo-common';
import { Card, Facts } from './ui';

type Objective = Slo['definition']['objectives'][number];
const OPS: Record<string, string> = { lt: '<', lte: '≤', gt: '>', gte: '≥' };

function sourceQuery(spec: Record<string, unknown>): string {
  // Prometheus and most sources keep their query in `query`; others show as written.
  for (const k of ['query', 'promql', 'expr']) if (typeof spec[k] === 'string') return spec[k] as string;
  return Object.keys(spec).length ? JSON.stringify(spec, null, 2) : '';
}

function Indicator({ indicator }: { indicator: SloIndicator }) {
  return (
    <div>
      <p>
        <strong>{indicator.displayName ?? indicator.name}</strong>{' '}
        <span className="muted">{indicator.type} SLI</span>
        {indicator.rawType && <span className="muted"> ({indicator.rawType} ratio)</span>}
        {indicator.counter !== null && (
          <span className="muted">{indicator.counter ? ', counters' : ', gauges'}</span>
        )}
      </p>
      {indicator.description && <p className="muted">{indicator.description}</p>}
      <table className="table">
        <tbody>
          {indicator.sources.map((s) => (
            <tr key={s.field}>
              <th>{s.field === 'thresholdMetric' ? 'metric' : s.field}</th>
              <td>
                <span className="muted">
                  {s.effectiveType ?? s.type ?? 'unknown source'}
                  {s.dataSource && ` · data source ${s.dataSource.name}`}
                  {s.stream && ' · stream '}
                </span>
                {s.stream && <code>{s.stream}</code>}
                {sourceQuery(s.spec) && <pre className="slo-query">{sourceQuery(s.spec)}</pre>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function objectiveText(o: Objective, method: string): string {
  const parts = [`${formatPercent(o.target, 3)}`];
  if (o.op && o.value !== null) parts.push(`of values ${OPS[o.op] ?? o.op} ${o.value}`);
  if (method !== 'Occurrences' && o.timeSliceWindow)
    parts.push(
      `per ${o.timeSliceWindow} slice${o.timeSliceTarget !== null ? ` (slice good at ≥ ${formatPercent(o.timeSliceTarget, 2)})` : ''}`,
    );
  return parts.join(' ');
}

export function DefinitionCard({ slo }: { slo: Slo }) {
  const d = slo.definition;
  const w = d.window;
  return (
    <Card title="Definition">
      <Facts
        items={[
          [
            'Window',
            `${w.duration} ${w.type}${w.type === 'calendar' ? ` from ${w.startTime ?? '—'} ${w.timeZone ?? ''}` : ''}`,
          ],
          ['Budgeting method', d.budgetingMethod],
          ['Data', d.source.note],
          ['Composite', d.composite ? 'yes: one budget over weighted objectives' : 'no'],
        ]}
      />
      <h3>Objectives</h3>
      <table className="table">
        <thead>
          <tr>
            <th>Objective</th>
            <th>Target</th>
            <th>State</th>
            <th className="num">SLI</th>
            <th className="num">Budget remaining</th>
          </tr>
        </thead>
        <tbody>
          {d.objectives.map((o, i) => {
            const st = slo.status?.objectives.find((s) => s.index === i);
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: objectives are positional
              <tr key={i}>
                <td>
                  {o.displayName ?? `#${i + 1}`}
                  {d.composite && o.compositeWeight !== null && (
                    <span className="hint">weight {o.compositeWeight}</span>
                  )}
                </td>
                <td>{objectiveText(o, d.budgetingMethod)}</td>
                <td>
                  <StateBadge state={st?.state} />
                </td>
                <td className="num">{formatPercent(st?.sli, 3)}</td>
                <td className="num">{formatPercent(st?.remaining, 2)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <h3>SLI</h3>
      {d.indicator ? (
        <Indicator indicator={d.indicator} />
      ) : (
        d.objectives.map((o, i) =>
          o.indicator ? (
            // biome-ignore lint/suspicious/noArrayIndexKey: objectives are positional
            <Indicator key={i} indicator={o.indicator} />
          ) : null,
        )
      )}
      {d.unresolved.length > 0 && <p className="problem">Unresolved references: {d.unresolved.join(', ')}</p>}
    </Card>
  );
}

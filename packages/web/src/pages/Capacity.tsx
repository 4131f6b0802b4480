import type { GrowthScenario, RunwayRow, RunwayTable, ScenarioDetail } from '@headroom/core/api/capacity';
import { useSearchParams } from 'react-router';
import { seg } from '../api/client';
import { useApi } from '../api/hooks';
import { AdhocForecastCard } from '../components/capacity-adhoc';
import {
  CrossingDate,
  describeEvent,
  formatCost,
  formatDay,
  LeadTimeBadge,
  ResourceLink,
  ScenarioPicker,
  Slack,
  Utilisation,
} from '../components/capacity-common';
import { ServiceLink } from '../components/slo-common';
import { Async, Card, Empty, PageHeader } from '../components/ui';

/** The organic date beside the scenario's, when a scenario is chosen. */
function Organic({ at }: { at: string | null | undefined }) {
  if (at === undefined) return null;
  return <span className="hint">organic: {at ? formatDay(at) : 'beyond horizon'}</span>;
}

function RunwayRows({
  rows,
  organic,
  scenario,
}: {
  rows: RunwayRow[];
  organic: Map<string, RunwayRow> | null;
  scenario: string;
}) {
  return (
    <table className="table cap-runway" data-testid="runway-table">
      <thead>
        <tr>
          <th>Resource</th>
          <th>Service</th>
          <th>Team</th>
          <th>Utilisation now</th>
          <th>Safe threshold{scenario && ' (scenario)'}</th>
          <th>Limit{scenario && ' (scenario)'}</th>
          <th>Lead time</th>
          <th title="Runway to the safe threshold minus the lead time">Slack</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => {
          const o = organic?.get(r.resource);
          return (
            <tr key={r.resource} data-resource={r.resource}>
              <td>
                <ResourceLink name={r.resource} title={r.title} />
                {r.title && <span className="hint">{r.resource}</span>}
              </td>
              <td>
                <ServiceLink name={r.service} />
              </td>
              <td>{r.team ?? <span className="muted">—</span>}</td>
              <td>
                <Utilisation value={r.utilisation} />
              </td>
              {r.problem ? (
                <td colSpan={2} className="muted" data-testid="threshold-at" data-at="">
                  {r.problem}
                </td>
              ) : (
                <>
                  <td data-testid="threshold-at" data-at={r.thresholdAt ?? ''}>
                    <CrossingDate at={r.thresholdAt} early={r.thresholdEarly} late={r.thresholdLate} />
                    {o && <Organic at={o.problem ? undefined : o.thresholdAt} />}
                  </td>
                  <td>
                    <CrossingDate at={r.limitAt} early={r.limitEarly} late={r.limitLate} />
                    {o && <Organic at={o.problem ? undefined : o.limitAt} />}
                  </td>
                </>
              )}
              <td>
                {r.leadTime} <LeadTimeBadge inside={r.insideLeadTime} leadTime={r.leadTime} />
                {o && o.insideLeadTime !== r.insideLeadTime && (
                  <span className="hint">organic: {o.insideLeadTime ? 'inside' : 'outside'} lead time</span>
                )}
              </td>
              <td>
                <Slack row={r} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function Runway({ scenario }: { scenario: string }) {
  const organic = useApi<RunwayTable>('/capacity/runway', undefined, { refreshMs: 60_000 });
  const under = useApi<RunwayTable>(
    scenario ? '/capacity/runway' : null,
    { scenario },
    { refreshMs: 60_000 },
  );
  const state = scenario ? under : organic;
  return (
    <Async state={state}>
      {(table) =>
        table.items.length === 0 ? (
          <Empty>
            No capacity resources yet. Declare a <code>CapacityResource</code> and apply it (see
            docs/capacity.md).
          </Empty>
        ) : (
          <>
            <RunwayRows
              rows={table.items}
              scenario={scenario}
              organic={
                scenario && organic.data ? new Map(organic.data.items.map((r) => [r.resource, r])) : null
              }
            />
            <p className="hint">
              Most urgent first: runway to the safe threshold minus lead time
              {scenario && ' under the scenario'}. Dates on the mean forecast; below them the early–late range
              of the interval.
            </p>
          </>
        )
      }
    </Async>
  );
}

function Effects({ name }: { name: string }) {
  const detail = useApi<ScenarioDetail>(`/capacity/scenarios/${seg(name)}`);
  return (
    <Async state={detail}>
      {(d) =>
        d.effects.length === 0 ? (
          <Empty>The scenario selects no resource.</Empty>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th>Resource</th>
                <th>Threshold organic → scenario</th>
                <th className="num">Instances</th>
                <th className="num">Monthly cost organic → scenario</th>
              </tr>
            </thead>
            <tbody>
              {d.effects.map((e) => (
                <tr key={e.resource}>
                  <td>
                    <ResourceLink name={e.resource} />
                  </td>
                  {e.problem ? (
                    <td colSpan={3} className="muted">
                      {e.problem}
                    </td>
                  ) : (
                    <>
                      <td>
                        {e.organic.thresholdAt ? formatDay(e.organic.thresholdAt) : 'beyond'} →{' '}
                        <strong>
                          {e.scenario.thresholdAt ? formatDay(e.scenario.thresholdAt) : 'beyond'}
                        </strong>
                      </td>
                      <td className="num">
                        {e.organic.instances ?? '—'} → {e.scenario.instances ?? '—'}
                      </td>
                      <td className="num">
                        {formatCost(e.organic.monthlyCost, e.currency)} →{' '}
                        <strong>{formatCost(e.scenario.monthlyCost, e.currency)}</strong>
                      </td>
                    </>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )
      }
    </Async>
  );
}

function Scenarios({
  list,
  chosen,
  choose,
}: {
  list: GrowthScenario[];
  chosen: string;
  choose: (name: string) => void;
}) {
  if (list.length === 0)
    return (
      <Empty>
        No growth scenarios. Declare a <code>GrowthScenario</code> (a launch, a campaign) to see its effect.
      </Empty>
    );
  return (
    <ul className="cap-scenarios">
      {list.map((s) => (
        <li key={s.name} aria-current={s.name === chosen ? 'true' : undefined}>
          <div className="row">
            <strong>{s.title ?? s.name}</strong>
            <button
              type="button"
              className="ghost"
              aria-pressed={s.name === chosen}
              onClick={() => choose(s.name === chosen ? '' : s.name)}
            >
              {s.name === chosen ? 'Showing' : 'Show runway under it'}
            </button>
          </div>
          {s.description && <div className="muted">{s.description}</div>}
          <div className="hint">
            Applies to:{' '}
            {s.selector.services.length + s.selector.resources.length === 0
              ? 'every resource'
              : [...s.selector.services.map((x) => `service ${x}`), ...s.selector.resources].join(', ')}
          </div>
          <ul>
            {s.events.map((e) => (
              <li key={e.name}>
                <strong>{e.name}</strong>: {describeEvent(e)}
              </li>
            ))}
          </ul>
        </li>
      ))}
    </ul>
  );
}

export function Capacity() {
  const [params, setParams] = useSearchParams();
  const scenario = params.get('scenario') ?? '';
  const scenarios = useApi<{ items: GrowthScenario[] }>('/capacity/scenarios');
  const choose = (name: string) => {
    const next = new URLSearchParams(params);
    if (name) next.set('scenario', name);
    else next.delete('scenario');
    setParams(next, { replace: true });
  };
  return (
    <>
      <PageHeader
        title="Capacity"
        actions={<ScenarioPicker scenarios={scenarios.data?.items} value={scenario} onChange={choose} />}
      >
        <p className="muted">When does each resource run out, and is there time to order more?</p>
      </PageHeader>
      <Card title={scenario ? `Runway under ${scenario}` : 'Runway'}>
        <Runway scenario={scenario} />
      </Card>
      {scenario && (
        <Card title={`Effect of ${scenario}: runway, instances and cost`}>
          <Effects name={scenario} />
        </Card>
      )}
      <div className="cap-grid">
        <Card title="Growth scenarios">
          <Async state={scenarios}>
            {(s) => <Scenarios list={s.items} chosen={scenario} choose={choose} />}
          </Async>
        </Card>
        <AdhocForecastCard />
      </div>
    </>
  );
}

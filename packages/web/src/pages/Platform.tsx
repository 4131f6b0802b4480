import type { PlatformAdoption } from '@headroom/core/api/survey';
import { Link, useSearchParams } from 'react-router';
import { seg } from '../api/client';
import { useApi } from '../api/hooks';
import { capabilityTitle, ScoreTrend, type TrendPoint } from '../components/survey-results';
import { Async, Badge, Card, Empty, PageHeader, Time } from '../components/ui';
import { formatDateTime } from '../format';
import '../styles/discovery.css';

const STATUS_ORDER = ['open', 'under-review', 'planned', 'in-progress', 'done', 'declined', 'duplicate'];

function Coverage({ c }: { c: { adopted: number; total: number } | null }) {
  if (c === null) return <span className="muted">—</span>;
  const share = c.total === 0 ? 0 : c.adopted / c.total;
  return (
    <div className="platform-coverage">
      <span className="num">
        {c.adopted} / {c.total}
      </span>
      {/* The numbers beside it say the same to a screen reader. */}
      <span className="meter" aria-hidden="true">
        <span style={{ width: `${Math.round(share * 100)}%` }} />
      </span>
      <span className="muted">{Math.round(share * 100)} %</span>
    </div>
  );
}

export function Platform() {
  const [params, setParams] = useSearchParams();
  const weeks = Number(params.get('weeks') ?? 4) || 4;
  const panel = useApi<PlatformAdoption>(
    '/platform/adoption',
    { interviewWeeks: weeks },
    { refreshMs: 60_000 },
  );
  return (
    <>
      <PageHeader
        title="Platform as a product"
        crumbs={[{ to: '/discovery', label: 'Discovery' }]}
        actions={
          <>
            <Link to="/surveys">Surveys</Link>
            <Link to="/feedback">Feedback</Link>
            <Link to="/interviews">Interviews</Link>
          </>
        }
      >
        <p className="muted">
          How far each Headroom capability is adopted across teams and services, how satisfied its users are,
          and what they are asking for.
        </p>
      </PageHeader>
      <Async state={panel}>
        {(p) => {
          const byCapability = new Map<string, TrendPoint[]>();
          for (const t of p.satisfaction.trend) {
            const list = byCapability.get(t.capability) ?? [];
            list.push({
              label: `${t.survey} #${t.round} · ${formatDateTime(t.startedAt)}`,
              respondents: t.respondents,
              nps: t.nps,
              csat: t.csat,
            });
            byCapability.set(t.capability, list);
          }
          const statuses = [
            ...STATUS_ORDER.filter((s) => s in p.feedback.byStatus),
            ...Object.keys(p.feedback.byStatus).filter((s) => !STATUS_ORDER.includes(s)),
          ];
          return (
            <>
              <div className="grid platform-stats">
                <Card>
                  <div className="stat">
                    <span className="value">{p.feedback.open}</span>
                    <span className="label">
                      <Link to="/feedback">open feedback items</Link>
                    </span>
                  </div>
                </Card>
                <Card>
                  <div className="stat">
                    <span className="value" data-testid="platform-interviews">
                      {p.interviews.count}
                    </span>
                    <span className="label">
                      <Link to="/interviews">interviews</Link> with {p.interviews.teams} team
                      {p.interviews.teams === 1 ? '' : 's'} since <Time at={p.interviews.since} absolute />
                    </span>
                  </div>
                  <label className="ost-inline">
                    Weeks
                    <select
                      value={weeks}
                      onChange={(e) => {
                        const next = new URLSearchParams(params);
                        if (e.target.value === '4') next.delete('weeks');
                        else next.set('weeks', e.target.value);
                        setParams(next, { replace: true });
                      }}
                    >
                      {[1, 2, 4, 8, 12, 26, 52].map((w) => (
                        <option key={w} value={w}>
                          {w}
                        </option>
                      ))}
                    </select>
                  </label>
                </Card>
                <Card>
                  <div className="stat">
                    <span className="value">
                      {p.teams} · {p.services}
                    </span>
                    <span className="label">
                      <Link to="/admin/teams">teams</Link> · <Link to="/services">services</Link> in the
                      catalog
                    </span>
                  </div>
                </Card>
              </div>
              <Card title="Adoption per capability">
                <table className="table" aria-label="Adoption per capability">
                  <thead>
                    <tr>
                      <th>Capability</th>
                      <th>Services</th>
                      <th>Teams</th>
                      <th>What counts</th>
                    </tr>
                  </thead>
                  <tbody>
                    {p.capabilities.map((c) => (
                      <tr key={c.capability} data-capability={c.capability}>
                        <td>
                          <strong>{c.title}</strong> <code className="muted">{c.capability}</code>
                        </td>
                        {c.available ? (
                          <>
                            <td>
                              <Coverage c={c.services} />
                            </td>
                            <td>
                              <Coverage c={c.teams} />
                            </td>
                          </>
                        ) : (
                          <td colSpan={2}>
                            <Badge>no data</Badge> <span className="muted">{c.note}</span>
                          </td>
                        )}
                        <td className="muted">
                          {c.measure}
                          {c.available && c.note && <div className="hint">{c.note}</div>}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </Card>
              <div className="grid-2">
                <Card title="Satisfaction trend">
                  <p className="hint">
                    {p.satisfaction.formulas.nps} {p.satisfaction.formulas.csat}
                  </p>
                  {byCapability.size === 0 ? (
                    <Empty>
                      No survey rounds yet. <Link to="/surveys">Create a survey</Link>.
                    </Empty>
                  ) : (
                    [...byCapability].map(([c, points]) => (
                      <div key={c}>
                        <h3>{capabilityTitle(c)}</h3>
                        <ScoreTrend points={points} />
                      </div>
                    ))
                  )}
                </Card>
                <Card title="Feedback by status">
                  {statuses.length === 0 ? (
                    <Empty>No feedback yet.</Empty>
                  ) : (
                    <table className="table" aria-label="Feedback by status">
                      <tbody>
                        {statuses.map((s) => (
                          <tr key={s}>
                            <td>
                              <Link to={`/feedback?status=${seg(s)}`}>{s}</Link>
                            </td>
                            <td className="num">{p.feedback.byStatus[s]}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  )}
                </Card>
              </div>
              <p className="hint">
                Computed <Time at={p.generatedAt} />.
              </p>
            </>
          );
        }}
      </Async>
    </>
  );
}

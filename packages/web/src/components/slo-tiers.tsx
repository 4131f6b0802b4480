import type { SloAlertTiers } from '@headroom/core/api/slo-alert-tiers';
import { Link } from 'react-router';
import type { ApiState } from '../api/hooks';
import { formatNumber, formatPercent } from '../format';
import { formatRate } from './slo-common';
import { Async, Badge, Card, Empty, Time } from './ui';

/** The multiwindow burn-rate tiers as the API evaluates them now: each pair against its factor. */
export function AlertTiersCard({ slo, tiers }: { slo: string; tiers: ApiState<SloAlertTiers> }) {
  return (
    <Card
      title="Alert tiers"
      actions={
        <Link to={`/alerts?match=${encodeURIComponent(`slo="${slo}"`)}`} title="This SLO's alerts">
          Alerts
        </Link>
      }
    >
      <Async state={tiers}>
        {(t) =>
          t.subjects.length === 0 ? (
            <Empty>No data to evaluate the burn-rate tiers on.</Empty>
          ) : (
            <>
              {t.subjects.map((s) => (
                <div key={s.objective ?? ''}>
                  {t.subjects.length > 1 && (
                    <h3>
                      {s.objective ?? 'All objectives'}{' '}
                      <span className="muted">target {formatPercent(s.target, 3)}</span>
                    </h3>
                  )}
                  <table className="table">
                    <thead>
                      <tr>
                        <th>Tier</th>
                        <th>Windows</th>
                        <th className="num">Burn rates (long / short)</th>
                        <th className="num">Threshold</th>
                        <th className="num">Events (long)</th>
                        <th>State</th>
                      </tr>
                    </thead>
                    <tbody>
                      {s.tiers.flatMap((tier) =>
                        tier.pairs.map((p, i) => (
                          <tr key={`${tier.tier}-${p.long}`}>
                            {i === 0 && (
                              <td rowSpan={tier.pairs.length}>
                                <strong>{tier.tier}</strong>
                                <span className="hint">{tier.severity}</span>
                              </td>
                            )}
                            <td>
                              {p.long} &amp; {p.short}
                              <span className="hint">
                                {formatPercent(p.budgetShare, 0)} of budget in {p.long}
                              </span>
                            </td>
                            <td className={`num ${p.met ? 'slo-tier-met' : ''}`}>
                              <span
                                className={p.longRate !== null && p.longRate > p.factor ? 'slo-tier-met' : ''}
                              >
                                {formatRate(p.longRate)}
                              </span>{' '}
                              /{' '}
                              <span
                                className={
                                  p.shortRate !== null && p.shortRate > p.factor ? 'slo-tier-met' : ''
                                }
                              >
                                {formatRate(p.shortRate)}
                              </span>
                            </td>
                            <td className="num">{formatNumber(p.factor, 3)}×</td>
                            <td
                              className="num"
                              title={`At least ${p.minEvents.toLocaleString()} needed to alert`}
                            >
                              {formatNumber(p.longEvents, 0)}
                              {!p.enoughEvents && (
                                <span className="hint">&lt; {p.minEvents.toLocaleString()} needed</span>
                              )}
                            </td>
                            {i === 0 && (
                              <td rowSpan={tier.pairs.length} title={tier.description}>
                                <TierState tier={tier} />
                              </td>
                            )}
                          </tr>
                        )),
                      )}
                    </tbody>
                  </table>
                </div>
              ))}
              <span className="hint">
                A tier fires when both windows of a pair burn faster than its threshold. Evaluated{' '}
                <Time at={t.evaluatedAt} />.
              </span>
            </>
          )
        }
      </Async>
    </Card>
  );
}

function TierState({ tier }: { tier: SloAlertTiers['subjects'][number]['tiers'][number] }) {
  const alert = tier.alert;
  return (
    <span className="stack slo-tier-state">
      {tier.suppressed ? (
        <Badge tone="muted">{tier.suppressed === 'correction' ? 'in correction' : 'disabled'}</Badge>
      ) : tier.firing ? (
        <Badge tone="bad">firing</Badge>
      ) : (
        <Badge tone="ok">ok</Badge>
      )}
      {alert && alert.status === 'firing' && (
        <span className="hint">
          alert since <Time at={alert.startsAt} />
          {alert.acknowledged && ' · acknowledged'}
        </span>
      )}
      {alert && alert.status === 'resolved' && alert.endsAt && (
        <span className="hint">
          last fired, resolved <Time at={alert.endsAt} />
        </span>
      )}
    </span>
  );
}

import type {
  Exemption,
  ExemptionList,
  GateDecisionList,
  GateVerdict,
  PolicyReason,
  PolicyVerdict,
} from '@headroom/core/api/budget-policy';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { del, post, seg } from '../api/client';
import { useAction, useApi } from '../api/hooks';
import { useCanWrite } from '../auth';
import { formatPercent } from '../format';
import { StateBadge } from './slo-common';
import { Async, Badge, Card, Empty, ProblemBox, Time, type Tone } from './ui';

export const verdictTone = (v: GateVerdict): Tone => (v === 'allow' ? 'ok' : v === 'warn' ? 'warn' : 'bad');
const VERDICT_TEXT: Record<GateVerdict, string> = {
  allow: 'allow: may ship',
  warn: 'warn: may ship, with a warning',
  deny: 'deny: release freeze',
};

export function VerdictBadge({ verdict }: { verdict: GateVerdict }) {
  return (
    <Badge tone={verdictTone(verdict)} title={VERDICT_TEXT[verdict]}>
      {verdict}
    </Badge>
  );
}

const budgetText = (v: number | null) => (v === null ? '—' : formatPercent(v, 1));

/**
 * The error budget policy's verdict for a change without labels: the reasons (one sentence each,
 * naming the SLO, its budget and the rule), the SLOs behind it and the rules in force.
 * `only` narrows the SLO table to one SLO (the SLO page).
 */
export function PolicyVerdictCard({
  service,
  only,
  verdict,
}: {
  service: string;
  only?: string;
  verdict: ReturnType<typeof useApi<PolicyVerdict>>;
}) {
  return (
    <Card
      title="Error budget policy"
      className="release-verdict"
      actions={verdict.data && <VerdictBadge verdict={verdict.data.verdict} />}
    >
      <Async state={verdict}>
        {(v) => {
          const slos = only ? v.slos.filter((s) => s.name === only) : v.slos;
          return (
            <div className="stack" data-testid="policy-verdict" data-verdict={v.verdict}>
              <p className={`release-verdict-line release-${v.verdict}`}>
                <strong>{VERDICT_TEXT[v.verdict]}</strong>{' '}
                <span className="muted">
                  for a change to <Link to={`/services/${seg(service)}`}>{service}</Link> now
                  {v.policies.length > 0 ? (
                    <> under {v.policies.map((p) => `'${p}'`).join(', ')}</>
                  ) : (
                    ' (no policy selects this service)'
                  )}
                  ; evaluated <Time at={v.at} />.
                </span>
              </p>
              {v.reasons.length > 0 && (
                <ul className="release-reasons">
                  {v.reasons.map((r) => (
                    <li key={`${r.rule}:${r.slo}:${r.objective?.index ?? ''}:${r.exemption ?? ''}`}>
                      <VerdictBadge verdict={r.verdict} /> {r.message}
                    </li>
                  ))}
                </ul>
              )}
              {slos.length > 0 && (
                <table className="table">
                  <thead>
                    <tr>
                      <th>SLO</th>
                      <th>State</th>
                      <th className="num">Budget left</th>
                      <th>Window</th>
                      <th>Verdict</th>
                    </tr>
                  </thead>
                  <tbody>
                    {slos.map((s) => (
                      <tr key={s.name}>
                        <td>
                          <Link to={`/slos/${seg(s.name)}`}>{s.displayName ?? s.name}</Link>
                          {s.objectives.length > 1 && (
                            <div className="hint">
                              {s.objectives
                                .map(
                                  (o) =>
                                    `${o.displayName ?? formatPercent(o.target, 3)}: ${budgetText(o.budgetRemaining)}`,
                                )
                                .join(' · ')}
                            </div>
                          )}
                        </td>
                        <td>
                          <StateBadge state={s.state ?? undefined} />
                        </td>
                        <td className="num" data-slo-budget={s.name}>
                          {budgetText(s.budgetRemaining)}
                        </td>
                        <td>
                          {s.window ? (
                            <span className="muted">
                              <Time at={s.window.start} absolute /> → now
                            </span>
                          ) : (
                            '—'
                          )}
                        </td>
                        <td>
                          <VerdictBadge verdict={s.verdict} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              {v.rules && (
                <p className="hint">
                  Rules in force:{' '}
                  {v.rules.freezeWhenExhausted ? 'release freeze when a budget is exhausted' : 'no freeze'}
                  {v.rules.freezeWhenExhausted &&
                    ` (changes labelled ${v.rules.allowLabels.join(' or ') || 'nothing'} still pass)`}
                  ; warn below {formatPercent(v.rules.warnBelow, 0)} of a budget left; an incident spending
                  more than {formatPercent(v.rules.incidentBudgetShare, 0)} of a four-week budget needs a P0
                  postmortem action. CI: <code>headroom gate {service}</code>.
                </p>
              )}
            </div>
          );
        }}
      </Async>
    </Card>
  );
}

const inDays = (days: number) => {
  const d = new Date(Date.now() + days * 86_400_000);
  d.setSeconds(0, 0);
  // A datetime-local value in the browser's time zone.
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};

function ExemptionForm({ service, slos, onDone }: { service: string; slos: string[]; onDone: () => void }) {
  const [reason, setReason] = useState('');
  const [approver, setApprover] = useState('');
  const [expires, setExpires] = useState(inDays(7));
  const [slo, setSlo] = useState('');
  const create = useAction(() =>
    post<Exemption>(`/services/${seg(service)}/exemptions`, {
      reason,
      approver,
      expiresAt: new Date(expires).toISOString(),
      ...(slo ? { slos: [slo] } : {}),
    }),
  );
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await create.run()) {
      setReason('');
      onDone();
    }
  };
  return (
    <form className="stack release-form" onSubmit={submit}>
      <label>
        Reason
        <input
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          required
          maxLength={2000}
          placeholder="e.g. the payments outage burned our budget"
        />
      </label>
      <div className="inline-form">
        <label>
          Approver (user)
          <input value={approver} onChange={(e) => setApprover(e.target.value)} required maxLength={200} />
        </label>
        <label>
          Expires
          <input
            type="datetime-local"
            value={expires}
            onChange={(e) => setExpires(e.target.value)}
            required
          />
        </label>
        <label>
          SLO
          <select value={slo} onChange={(e) => setSlo(e.target.value)}>
            <option value="">every SLO of the service</option>
            {slos.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="primary" disabled={create.pending}>
          Create exemption
        </button>
      </div>
      <ProblemBox error={create.error} />
    </form>
  );
}

/** Exemptions from the release freeze: active ones, with create and remove for editors. */
export function ExemptionsCard({
  service,
  slos,
  onChange,
}: {
  service: string;
  slos: string[];
  onChange: () => void;
}) {
  const canWrite = useCanWrite();
  const [showAll, setShowAll] = useState(false);
  const list = useApi<ExemptionList>(
    `/services/${seg(service)}/exemptions`,
    showAll ? { all: true } : undefined,
  );
  const remove = useAction((id: string) => del(`/services/${seg(service)}/exemptions/${seg(id)}`));
  const changed = () => {
    list.reload();
    onChange();
  };
  return (
    <Card
      title="Exemptions"
      actions={
        <label className="release-check">
          <input type="checkbox" checked={showAll} onChange={(e) => setShowAll(e.target.checked)} /> Include
          expired
        </label>
      }
    >
      <Async state={list}>
        {(l) =>
          l.items.length === 0 ? (
            <Empty>
              No {showAll ? '' : 'active '}exemptions: a freeze holds for every change but P0 and security
              fixes.
            </Empty>
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th>Reason</th>
                  <th>SLOs</th>
                  <th>Approver</th>
                  <th>Expires</th>
                  <th>By</th>
                  {canWrite && <th />}
                </tr>
              </thead>
              <tbody>
                {l.items.map((x) => (
                  <tr key={x.id}>
                    <td>
                      {x.reason} {!x.active && <Badge>expired</Badge>}
                    </td>
                    <td>{x.slos ? x.slos.join(', ') : <span className="muted">all</span>}</td>
                    <td>{x.approver}</td>
                    <td>
                      <Time at={x.expiresAt} absolute />
                    </td>
                    <td>
                      {x.createdBy} <Time at={x.createdAt} />
                    </td>
                    {canWrite && (
                      <td>
                        <button
                          type="button"
                          className="danger"
                          disabled={remove.pending}
                          onClick={async () => {
                            if (await remove.run(x.id)) changed();
                          }}
                          aria-label={`Remove exemption: ${x.reason}`}
                        >
                          Remove
                        </button>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Async>
      <ProblemBox error={remove.error} />
      {canWrite && (
        <details className="release-details">
          <summary>New exemption</summary>
          <ExemptionForm service={service} slos={slos} onDone={changed} />
        </details>
      )}
    </Card>
  );
}

/** "checkout-latency: −1.2 % left, freeze-when-exhausted" — the full sentence is the title. */
function shortReason(r: PolicyReason): string {
  const budget = r.budgetRemaining === null ? '' : `: ${formatPercent(r.budgetRemaining, 1)} left`;
  const extra = r.label ? ` (label ${r.label})` : r.exemption ? ' (exempted)' : '';
  return `${r.slo ?? 'no SLO'}${budget}, ${r.rule}${extra}`;
}

/** The release gate's recorded answers: who asked, for which change, and the verdict. */
export function GateDecisionsCard({ service }: { service: string }) {
  const decisions = useApi<GateDecisionList>(
    `/services/${seg(service)}/gate-decisions`,
    { limit: 10 },
    { refreshMs: 15_000 },
  );
  return (
    <Card title="Recent gate decisions">
      <Async state={decisions}>
        {(d) =>
          d.items.length === 0 ? (
            <Empty>
              No gate decisions yet. A pipeline asks with <code>headroom gate {service}</code>.
            </Empty>
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Verdict</th>
                  <th>Change</th>
                  <th>Labels</th>
                  <th>Asked by</th>
                  <th>Why</th>
                </tr>
              </thead>
              <tbody>
                {d.items.map((g) => {
                  const main = g.reasons.find((r) => r.verdict === g.verdict) ?? g.reasons[0];
                  return (
                    <tr key={g.id}>
                      <td>
                        <Time at={g.at} />
                      </td>
                      <td>
                        <VerdictBadge verdict={g.verdict} />
                      </td>
                      <td>
                        {g.change.version ?? ''}{' '}
                        {g.change.commit && <code>{g.change.commit.slice(0, 12)}</code>}
                        {!g.change.version && !g.change.commit && <span className="muted">—</span>}
                        {g.change.author && <span className="muted"> by {g.change.author}</span>}
                      </td>
                      <td>
                        {g.change.labels.length ? (
                          g.change.labels.join(', ')
                        ) : (
                          <span className="muted">—</span>
                        )}
                      </td>
                      <td>{g.requestedBy}</td>
                      <td className="release-why" title={main?.message}>
                        {main ? shortReason(main) : ''}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )
        }
      </Async>
    </Card>
  );
}

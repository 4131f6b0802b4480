/**
 * What the opportunity-solution tree shows beside its nodes: the evidence Headroom computes for an
 * opportunity (incidents, budget, pages, teams, votes) and a solution's RICE score with its formula.
 */
import type { Evidence, RiceScore } from '@headroom/core/api/discovery';
import { CONFIDENCE_NAMES, IMPACT_NAMES } from '@headroom/core/discovery/rice';
import { Link } from 'react-router';
import { seg } from '../api/client';
import { formatNumber, formatPercent } from '../format';
import { Badge } from './ui';

const SEVERITIES = ['SEV1', 'SEV2', 'SEV3', 'SEV4'];

export const impactLabel = (impact: number) =>
  `${formatNumber(impact)} ${IMPACT_NAMES[String(impact)] ?? ''}`;
export const confidenceLabel = (c: number) => `${c} % ${CONFIDENCE_NAMES[String(c)] ?? ''}`;

function severities(bySeverity: Record<string, number>): string {
  const parts = SEVERITIES.filter((s) => (bySeverity[s] ?? 0) > 0).map((s) => `${s} ${bySeverity[s]}`);
  const other = Object.keys(bySeverity).filter((s) => !SEVERITIES.includes(s) && (bySeverity[s] ?? 0) > 0);
  for (const s of other) parts.push(`${s} ${bySeverity[s]}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}

/** One figure with a test id, so the browser test can compare it with the API. */
function Figure({ id, value }: { id: string; value: number | string }) {
  return (
    <strong data-testid={id} className="ost-figure">
      {value}
    </strong>
  );
}

export function EvidencePanel({ evidence: e }: { evidence: Evidence }) {
  const budget = e.incidentBudgetConsumed;
  const shownIncidents = e.incidents.ids.slice(0, 8);
  return (
    <section className="ost-evidence" aria-label={`Evidence for ${e.opportunity}`}>
      <h4>Evidence</h4>
      <dl>
        <dt>Services</dt>
        <dd>
          {e.services.length === 0 ? (
            <span className="muted">none named (all evidence below is from linked feedback)</span>
          ) : (
            e.services.map((s, i) => (
              <span key={s}>
                {i > 0 && ', '}
                <Link to={`/services/${seg(s)}`}>{s}</Link>
              </span>
            ))
          )}
        </dd>
        <dt>Incidents</dt>
        <dd>
          <Figure id="ev-incidents-30" value={e.incidents.last30Days.total} /> in 30 d (
          {severities(e.incidents.last30Days.bySeverity)}) ·{' '}
          <Figure id="ev-incidents-90" value={e.incidents.last90Days.total} /> in 90 d (
          {severities(e.incidents.last90Days.bySeverity)})
          {shownIncidents.length > 0 && (
            <div className="ost-links">
              {shownIncidents.map((id) => (
                <Link key={id} to={`/incidents/${seg(id)}`}>
                  {id}
                </Link>
              ))}
              {e.incidents.ids.length > shownIncidents.length && (
                <span className="muted">+{e.incidents.ids.length - shownIncidents.length} more</span>
              )}
            </div>
          )}
        </dd>
        <dt>Budget consumed</dt>
        <dd>
          {budget.objectives.length === 0 ? (
            <span className="muted">no incident impact on an SLO</span>
          ) : (
            <>
              worst <Figure id="ev-budget-worst" value={formatPercent(budget.worstFourWeekShare, 1)} /> of a
              four-week budget
              <ul className="ost-budget">
                {budget.objectives.map((o) => (
                  <li key={`${o.slo}:${o.label}`}>
                    <Link to={`/slos/${seg(o.slo)}`}>{o.slo}</Link>
                    {o.label && o.label !== o.slo && <span className="muted"> {o.label}</span>}:{' '}
                    {formatPercent(o.fourWeekShare, 1)} by {o.incidents} incident
                    {o.incidents === 1 ? '' : 's'}
                  </li>
                ))}
              </ul>
            </>
          )}
        </dd>
        <dt>Pages</dt>
        <dd>
          <Figure id="ev-pages-30" value={e.pages.last30Days.total} /> in 30 d (
          <Figure id="ev-pages-30-off" value={e.pages.last30Days.outsideWorkingHours} /> outside working
          hours) · <Figure id="ev-pages-90" value={e.pages.last90Days.total} /> in 90 d (
          <Figure id="ev-pages-90-off" value={e.pages.last90Days.outsideWorkingHours} /> outside)
          <div className="hint">
            Working hours {e.pages.workingHours} (the paged schedule’s zone, else {e.pages.defaultTimeZone})
          </div>
        </dd>
        <dt>Teams affected</dt>
        <dd>
          <Figure id="ev-teams" value={e.teamsAffected.count} />
          {e.teamsAffected.teams.length > 0 && (
            <>
              {': '}
              {e.teamsAffected.teams.map((t, i) => (
                <span key={t}>
                  {i > 0 && ', '}
                  <Link to="/admin/teams">{t}</Link>
                </span>
              ))}
            </>
          )}
          <div className="hint">
            from feedback: {e.teamsAffected.fromFeedback.join(', ') || 'none'}; owning the services:{' '}
            {e.teamsAffected.fromServiceOwners.join(', ') || 'none'}
          </div>
        </dd>
        <dt>Votes and pain</dt>
        <dd>
          <Figure id="ev-votes" value={e.feedback.votes} /> vote{e.feedback.votes === 1 ? '' : 's'} on{' '}
          {e.feedback.items} item
          {e.feedback.items === 1 ? '' : 's'}, mean pain{' '}
          <Figure
            id="ev-pain"
            value={e.feedback.meanPain === null ? '—' : formatNumber(e.feedback.meanPain)}
          />{' '}
          of 5
        </dd>
        <dt>Interviews</dt>
        <dd>
          <Figure id="ev-interviews" value={e.interviews.count} />
          {e.interviews.ids.length > 0 && ` (${e.interviews.ids.join(', ')})`}
        </dd>
      </dl>
    </section>
  );
}

/** `RICE 3.2 = reach 4 (teams affected) × impact 2 high × 80 % ÷ 2 person-months`. */
export function RiceFormula({ score }: { score: RiceScore }) {
  return (
    <span className="ost-formula">
      <strong data-testid="rice-score">{formatNumber(score.score)}</strong> = reach{' '}
      {formatNumber(score.reach)} (
      {score.reachSource === 'override' ? `override: ${score.reachReason}` : 'teams affected'}) × impact{' '}
      {impactLabel(score.impact)} × {score.confidence} % ÷ {formatNumber(score.effort)} person-month
      {score.effort === 1 ? '' : 's'}
    </span>
  );
}

export function RicePanel({ score }: { score: RiceScore | null }) {
  return (
    <div className="ost-rice">
      <h4>RICE</h4>
      {score === null ? (
        <Badge>not scored</Badge>
      ) : (
        <>
          <RiceFormula score={score} />
          <div className="hint">
            reach{' '}
            {score.reachSource === 'evidence' ? `from the evidence: ${score.reachReason}` : 'overridden'}
          </div>
        </>
      )}
    </div>
  );
}

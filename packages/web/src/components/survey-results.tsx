/**
 * Survey figures shared by the survey page and the platform panel: NPS/CSAT result tables with the
 * withheld team rows and their reasons, and a bar display of the scores across rounds.
 */
import type { SurveyResults } from '@headroom/core/api/survey';
import { CAPABILITY_TITLES } from '@headroom/core/discovery/capabilities';
import { formatNumber } from '../format';
import { Badge, Empty } from './ui';

export type CapabilityResult = SurveyResults['rounds'][number]['capabilities'][number];
type TeamRow = CapabilityResult['teams'][number];

export const capabilityTitle = (c: string) => CAPABILITY_TITLES[c as keyof typeof CAPABILITY_TITLES] ?? c;
export const rate = (r: number | null | undefined) =>
  r === null || r === undefined ? '—' : `${r.toFixed(1)} %`;
const score = (v: number | null) => (v === null ? '—' : formatNumber(v, 1));
const signed = (v: number | null) => (v === null ? '—' : `${v > 0 ? '+' : ''}${formatNumber(v, 1)}`);

interface Scores {
  respondents: number;
  shown: boolean;
  nps: CapabilityResult['nps'];
  csat: CapabilityResult['csat'];
}

function ScoreCells({ s, nps, csat }: { s: Scores; nps: boolean; csat: boolean }) {
  return (
    <>
      <td className="num">{s.respondents}</td>
      {nps && (
        <>
          <td className="num">
            <strong>{s.shown ? signed(s.nps.score) : '—'}</strong>
          </td>
          <td className="num">{s.nps.promoters}</td>
          <td className="num">{s.nps.passives}</td>
          <td className="num">{s.nps.detractors}</td>
        </>
      )}
      {csat && (
        <>
          <td className="num">
            <strong>{s.shown && s.csat.score !== null ? `${score(s.csat.score)} %` : '—'}</strong>
          </td>
          <td className="num">
            {s.csat.satisfied}/{s.csat.answers}
          </td>
          <td className="num">{s.shown ? formatNumber(s.csat.mean) : '—'}</td>
        </>
      )}
    </>
  );
}

/** One capability in one round: the whole slice, then a row per team (or why it is withheld). */
export function CapabilityResultTable({
  result: r,
  nps,
  csat,
}: {
  result: CapabilityResult;
  nps: boolean;
  csat: boolean;
}) {
  const columns = 1 + (nps ? 4 : 0) + (csat ? 3 : 0);
  return (
    <div className="survey-slice" data-capability={r.capability}>
      <h4>
        {r.title} {!r.shown && <Badge tone="muted">scores withheld: fewer than 3 answers</Badge>}
      </h4>
      <table className="table" aria-label={`${r.title} results`}>
        <thead>
          <tr>
            <th>Who</th>
            <th className="num">Answers</th>
            {nps && (
              <>
                <th className="num">NPS</th>
                <th className="num">Promoters 9–10</th>
                <th className="num">Passives 7–8</th>
                <th className="num">Detractors 0–6</th>
              </>
            )}
            {csat && (
              <>
                <th className="num">CSAT</th>
                <th className="num">Satisfied (4–5)</th>
                <th className="num">Mean</th>
              </>
            )}
          </tr>
        </thead>
        <tbody>
          <tr className="survey-total" data-testid={`slice-${r.capability}`}>
            <td>everyone</td>
            <ScoreCells s={r} nps={nps} csat={csat} />
          </tr>
          {r.teams.map((t: TeamRow) =>
            t.withheld ? (
              <tr key={t.team} className="survey-withheld">
                <td>team {t.team}</td>
                <td colSpan={columns} className="muted">
                  withheld: {t.reason}
                </td>
              </tr>
            ) : (
              <tr key={t.team}>
                <td>team {t.team}</td>
                <ScoreCells s={t} nps={nps} csat={csat} />
              </tr>
            ),
          )}
        </tbody>
      </table>
      {r.comments.length > 0 && (
        <div className="survey-comments">
          <span className="muted">Comments (alphabetical):</span>
          <ul>
            {r.comments.map((c, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: identical comments may repeat
              <li key={i}>{c}</li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

export interface TrendPoint {
  label: string;
  respondents: number;
  nps: number | null;
  csat: number | null;
}

/** NPS (−100…+100, bars from a centre line) and CSAT (0…100 %) per round, oldest first. */
export function ScoreTrend({
  points,
  nps = true,
  csat = true,
}: {
  points: TrendPoint[];
  nps?: boolean;
  csat?: boolean;
}) {
  if (points.length === 0) return <Empty>No rounds yet.</Empty>;
  return (
    <table className="survey-trend" aria-label="Scores per round">
      <thead>
        <tr>
          <th>Round</th>
          <th className="num">Answers</th>
          {nps && <th>NPS (−100 … +100)</th>}
          {csat && <th>CSAT (0 … 100 %)</th>}
        </tr>
      </thead>
      <tbody>
        {points.map((p) => (
          <tr key={p.label}>
            <td>{p.label}</td>
            <td className="num">{p.respondents}</td>
            {nps && (
              <td>
                {p.nps === null ? (
                  <span className="muted">— {p.respondents < 3 ? '(fewer than 3 answers)' : ''}</span>
                ) : (
                  <span className="survey-bar-row">
                    <span className="survey-bar survey-bar-nps">
                      <span
                        className={p.nps < 0 ? 'neg' : 'pos'}
                        style={
                          p.nps < 0
                            ? { right: '50%', width: `${Math.abs(p.nps) / 2}%` }
                            : { left: '50%', width: `${p.nps / 2}%` }
                        }
                      />
                    </span>
                    <em>{signed(p.nps)}</em>
                  </span>
                )}
              </td>
            )}
            {csat && (
              <td>
                {p.csat === null ? (
                  <span className="muted">— {p.respondents < 3 ? '(fewer than 3 answers)' : ''}</span>
                ) : (
                  <span className="survey-bar-row">
                    <span className="survey-bar">
                      <span className="pos" style={{ left: 0, width: `${p.csat}%` }} />
                    </span>
                    <em>{score(p.csat)} %</em>
                  </span>
                )}
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The weekly interview habit: teams heard from per week, and the teams nobody talked to lately. */
import type { InterviewCadence } from '@headroom/core/api/feedback';
import { Link } from 'react-router';
import { seg } from '../api/client';
import { useApi } from '../api/hooks';
import { Async } from './ui';

const shortDate = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });

export function CadencePanel({ weeks = 8 }: { weeks?: number }) {
  const cadence = useApi<InterviewCadence>('/interviews/cadence', { weeks }, { refreshMs: 60_000 });
  return (
    <Async state={cadence}>
      {(c) => {
        const most = Math.max(1, ...c.weeks.map((w) => w.teams.length));
        return (
          <div className="stack">
            <p>
              <strong>
                {c.weeksWithInterviews} of {c.weeks.length}
              </strong>{' '}
              weeks with at least one interview. The habit: hear from a team every week.
            </p>
            {/* Bars for the eye; the table below carries the same figures for everyone. */}
            <div className="fb-bars" aria-hidden="true">
              {c.weeks.map((w) => (
                <div key={w.weekStart} className={`fb-bar ${w.teams.length === 0 ? 'fb-none' : ''}`}>
                  <span className="n">{w.teams.length}</span>
                  <span className="fill" style={{ height: `${(w.teams.length / most) * 75}%` }} />
                  <span>{shortDate.format(Date.parse(w.weekStart))}</span>
                </div>
              ))}
            </div>
            <table className="table" aria-label="Interviews per week">
              <thead>
                <tr>
                  <th>Week of</th>
                  <th className="num">Interviews</th>
                  <th>Teams heard from</th>
                </tr>
              </thead>
              <tbody>
                {[...c.weeks].reverse().map((w) => (
                  <tr key={w.weekStart}>
                    <td className="mono">{w.weekStart}</td>
                    <td className="num">{w.interviews}</td>
                    <td>{w.teams.length > 0 ? w.teams.join(', ') : <span className="muted">nobody</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <div>
              <strong>Not heard from in {c.weeks.length} weeks:</strong>{' '}
              {c.notHeardFrom.length === 0 ? (
                <span className="muted">every team was heard from.</span>
              ) : (
                <span className="fb-list">
                  {c.notHeardFrom.map((t) => (
                    <Link key={t} to={`/interviews?team=${seg(t)}`}>
                      {t}
                    </Link>
                  ))}
                </span>
              )}
            </div>
          </div>
        );
      }}
    </Async>
  );
}

import type { Interview } from '@headroom/core/api/feedback';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { seg } from '../api/client';
import { useApi } from '../api/hooks';
import { useCanWrite } from '../auth';
import { CadencePanel } from '../components/feedback-cadence';
import { FeedbackLink, useCatalogChoices } from '../components/feedback-common';
import { InterviewForm } from '../components/feedback-interview-form';
import { Markdown } from '../components/Markdown';
import { Async, Card, Empty, PageHeader, Time } from '../components/ui';
import '../styles/discovery.css';

const SINCE = [
  { value: '', label: 'any time' },
  { value: '30', label: 'last 30 days' },
  { value: '90', label: 'last 90 days' },
];

export function Interviews() {
  const canWrite = useCanWrite();
  const [params, setParams] = useSearchParams();
  const team = params.get('team') ?? '';
  const days = params.get('days') ?? '';
  // Rounded to the hour so the query (and so the fetch) stays the same between renders.
  const since = days
    ? new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - Number(days) * 86_400_000)
    : null;
  const list = useApi<Interview[]>(
    '/interviews',
    { team: team || undefined, since: since?.toISOString() },
    { refreshMs: 60_000 },
  );
  const catalog = useCatalogChoices();
  const [recorded, setRecorded] = useState<Interview | null>(null);
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value === '') next.delete(key);
    else next.set(key, value);
    setParams(next, { replace: true });
  };

  return (
    <>
      <PageHeader title="Interviews" crumbs={[{ to: '/discovery', label: 'Discovery' }]}>
        <p className="hint">
          Short records of conversations with the teams who use the platform: who, when, what was learned, and
          the feedback items and opportunities it supports.
        </p>
      </PageHeader>
      <div className="grid-2">
        <div className="stack">
          <Card>
            <form className="inline-form" aria-label="Filter interviews" onSubmit={(e) => e.preventDefault()}>
              <label>
                Team
                <select value={team} onChange={(e) => set('team', e.target.value)}>
                  <option value="">any</option>
                  {catalog.teams.map((t) => (
                    <option key={t.name} value={t.name}>
                      {t.title}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                Held
                <select value={days} onChange={(e) => set('days', e.target.value)}>
                  {SINCE.map((s) => (
                    <option key={s.value} value={s.value}>
                      {s.label}
                    </option>
                  ))}
                </select>
              </label>
            </form>
          </Card>
          <Card title="Interviews">
            <Async state={list}>
              {(interviews) =>
                interviews.length === 0 ? (
                  <Empty>No interviews{team ? ` with ${team}` : ''} yet.</Empty>
                ) : (
                  <table className="table">
                    <thead>
                      <tr>
                        <th>Held</th>
                        <th>Team</th>
                        <th>Interviewer</th>
                        <th>Summary</th>
                        <th>Linked</th>
                      </tr>
                    </thead>
                    <tbody>
                      {interviews.map((i) => (
                        <tr key={i.id} id={i.id}>
                          <td>
                            <Time at={i.heldAt} absolute />
                            <span className="hint mono">{i.id}</span>
                          </td>
                          <td>
                            <Link to={`/interviews?team=${seg(i.team)}`}>{i.team}</Link>
                          </td>
                          <td>
                            {i.interviewer}
                            {i.participants.length > 0 && (
                              <span className="hint">with {i.participants.join(', ')}</span>
                            )}
                          </td>
                          <td>
                            {i.summary}
                            {i.notes.trim() && (
                              <details>
                                <summary>Notes</summary>
                                <Markdown source={i.notes} />
                              </details>
                            )}
                          </td>
                          <td>
                            <span className="fb-list">
                              {i.feedback.map((f) => (
                                <FeedbackLink key={f} id={f} />
                              ))}
                              {i.opportunities.map((o) => (
                                <Link key={o} to={`/discovery/tree?opportunity=${seg(o)}`}>
                                  {o}
                                </Link>
                              ))}
                              {i.feedback.length + i.opportunities.length === 0 && (
                                <span className="muted">—</span>
                              )}
                            </span>
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )
              }
            </Async>
          </Card>
        </div>
        <div className="stack">
          <Card title="Cadence, last 8 weeks">
            <CadencePanel key={recorded?.id ?? 'initial'} />
          </Card>
          {canWrite && (
            <Card title="Record an interview">
              {recorded && (
                <p role="status">
                  Recorded <span className="mono">{recorded.id}</span> with {recorded.team}.
                </p>
              )}
              <InterviewForm
                onRecorded={(i) => {
                  setRecorded(i);
                  list.reload();
                }}
              />
            </Card>
          )}
        </div>
      </div>
    </>
  );
}

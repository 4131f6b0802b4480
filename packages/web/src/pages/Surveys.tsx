import type { SendSurveyResult, Survey } from '@headroom/core/api/survey';
import { useState } from 'react';
import { Link } from 'react-router';
import { post, seg } from '../api/client';
import { useAction, useApi } from '../api/hooks';
import { useCanWrite } from '../auth';
import { PendingSurveys } from '../components/survey-answer';
import { SurveyCreateForm } from '../components/survey-create';
import { capabilityTitle, rate } from '../components/survey-results';
import { Async, Badge, Card, Empty, PageHeader, ProblemBox, Time } from '../components/ui';
import '../styles/discovery.css';

function SendButton({ survey, onSent }: { survey: Survey; onSent: (r: SendSurveyResult) => void }) {
  const send = useAction(async () => onSent(await post<SendSurveyResult>(`/surveys/${seg(survey.id)}/send`)));
  return (
    <>
      <button
        type="button"
        disabled={send.pending}
        onClick={() => send.run()}
        aria-label={`Send ${survey.name} now`}
      >
        {send.pending ? 'Sending…' : 'Send now'}
      </button>
      <ProblemBox error={send.error} />
    </>
  );
}

export function Surveys() {
  const canWrite = useCanWrite();
  const surveys = useApi<Survey[]>('/surveys', {}, { refreshMs: 30_000 });
  const [creating, setCreating] = useState(false);
  const [sent, setSent] = useState<SendSurveyResult | null>(null);
  const [pendingKey, setPendingKey] = useState(0);

  return (
    <>
      <PageHeader
        title="Surveys"
        crumbs={[{ to: '/discovery', label: 'Discovery' }]}
        actions={
          <>
            <Link to="/platform">Platform panel</Link>
            {canWrite && !creating && (
              <button type="button" className="primary" onClick={() => setCreating(true)}>
                New survey
              </button>
            )}
          </>
        }
      >
        <p className="muted">
          NPS and CSAT about each platform capability, sent to teams by hand or on a schedule. Each round
          e-mails a personal link; people without an e-mail address answer here.
        </p>
      </PageHeader>
      {creating && (
        <Card title="New survey">
          <SurveyCreateForm
            onDone={() => {
              setCreating(false);
              surveys.reload();
            }}
            onCancel={() => setCreating(false)}
          />
        </Card>
      )}
      {sent && (
        <p role="status" className="survey-receipt">
          Round {sent.round.number} of {sent.survey} started: {sent.round.invited} invited,{' '}
          {sent.round.mailed} e-mailed
          {sent.withoutEmail.length > 0 &&
            `; answering in Headroom (no e-mail address): ${sent.withoutEmail.join(', ')}`}
          . It closes <Time at={sent.round.closesAt} />.
        </p>
      )}
      <PendingSurveys key={pendingKey} onAnswered={() => surveys.reload()} />
      <Card title="All surveys">
        <Async state={surveys}>
          {(list) =>
            list.length === 0 ? (
              <Empty>No surveys yet.</Empty>
            ) : (
              <table className="table" aria-label="Surveys">
                <thead>
                  <tr>
                    <th>Survey</th>
                    <th>Asks</th>
                    <th>Capabilities</th>
                    <th>Audience</th>
                    <th>Schedule</th>
                    <th className="num">Rounds</th>
                    <th>Last round</th>
                    <th className="num">Last round rate</th>
                    <th className="num">Overall rate</th>
                    {canWrite && <th />}
                  </tr>
                </thead>
                <tbody>
                  {list.map((s) => (
                    <tr key={s.id} data-survey={s.name}>
                      <td>
                        <Link to={`/surveys/${seg(s.id)}`}>{s.title}</Link>{' '}
                        <code className="muted">
                          {s.id} {s.name}
                        </code>
                      </td>
                      <td>
                        {[
                          s.questions.nps && 'NPS',
                          s.questions.csat && 'CSAT',
                          s.questions.comment && 'comment',
                        ]
                          .filter(Boolean)
                          .join(', ')}
                      </td>
                      <td>{s.capabilities.map(capabilityTitle).join(', ')}</td>
                      <td>
                        {s.audience.kind === 'all' ? (
                          'every user'
                        ) : (
                          <Link to="/admin/teams">{s.audience.teams.join(', ')}</Link>
                        )}
                      </td>
                      <td>
                        {s.scheduleWeeks === null ? (
                          <span className="muted">by hand</span>
                        ) : (
                          <>
                            every {s.scheduleWeeks} week{s.scheduleWeeks === 1 ? '' : 's'}
                            {s.nextRoundAt && (
                              <div className="hint">
                                next <Time at={s.nextRoundAt} />
                              </div>
                            )}
                          </>
                        )}
                      </td>
                      <td className="num">{s.rounds}</td>
                      <td>
                        {s.lastRound === null ? (
                          <Badge>never sent</Badge>
                        ) : (
                          <>
                            <Time at={s.lastRound.startedAt} />{' '}
                            <span className="muted">
                              {s.lastRound.responded}/{s.lastRound.invited} answered
                            </span>
                          </>
                        )}
                      </td>
                      <td className="num" data-testid="survey-last-rate">
                        {rate(s.lastRound?.responseRate)}
                      </td>
                      <td className="num">{rate(s.responseRate)}</td>
                      {canWrite && (
                        <td>
                          <SendButton
                            survey={s}
                            onSent={(r) => {
                              setSent(r);
                              surveys.reload();
                              setPendingKey((k) => k + 1);
                            }}
                          />
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          }
        </Async>
      </Card>
    </>
  );
}

import type { SendSurveyResult, Survey as SurveyData, SurveyResults } from '@headroom/core/api/survey';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { post, seg } from '../api/client';
import { useAction, useApi } from '../api/hooks';
import { useCanWrite } from '../auth';
import {
  CapabilityResultTable,
  capabilityTitle,
  rate,
  ScoreTrend,
  type TrendPoint,
} from '../components/survey-results';
import { Async, Card, Empty, Facts, PageHeader, ProblemBox, Time } from '../components/ui';
import { formatDateTime } from '../format';
import '../styles/discovery.css';

export function Survey() {
  const { id = '' } = useParams();
  const canWrite = useCanWrite();
  const survey = useApi<SurveyData>(`/surveys/${seg(id)}`, {}, { refreshMs: 30_000 });
  const results = useApi<SurveyResults>(`/surveys/${seg(id)}/results`, {}, { refreshMs: 30_000 });
  const [sent, setSent] = useState<SendSurveyResult | null>(null);
  const send = useAction(async () => {
    setSent(await post<SendSurveyResult>(`/surveys/${seg(id)}/send`));
    survey.reload();
    results.reload();
  });

  return (
    <>
      <PageHeader
        title={survey.data?.title ?? id}
        crumbs={[{ to: '/surveys', label: 'Surveys' }]}
        actions={
          canWrite && (
            <button type="button" disabled={send.pending} onClick={() => send.run()}>
              {send.pending ? 'Sending…' : 'Send a round now'}
            </button>
          )
        }
      />
      <ProblemBox error={send.error} />
      {sent && (
        <p role="status" className="survey-receipt">
          Round {sent.round.number} started: {sent.round.invited} invited, {sent.round.mailed} e-mailed
          {sent.withoutEmail.length > 0 && `; answering in Headroom: ${sent.withoutEmail.join(', ')}`}.
        </p>
      )}
      <Async state={survey}>
        {(s) => (
          <Card>
            <Facts
              items={[
                ['Survey', `${s.id} · ${s.name}`],
                [
                  'Asks',
                  [
                    s.questions.nps && 'NPS 0–10',
                    s.questions.csat && 'CSAT 1–5',
                    s.questions.comment && 'comment',
                  ]
                    .filter(Boolean)
                    .join(', '),
                ],
                ['Capabilities', s.capabilities.map(capabilityTitle).join(', ')],
                [
                  'Audience',
                  s.audience.kind === 'all' ? (
                    'every user'
                  ) : (
                    <Link key="a" to="/admin/teams">
                      {s.audience.teams.join(', ')}
                    </Link>
                  ),
                ],
                [
                  'Schedule',
                  s.scheduleWeeks === null
                    ? 'by hand'
                    : `every ${s.scheduleWeeks} week${s.scheduleWeeks === 1 ? '' : 's'}${
                        s.nextRoundAt ? `, next ${formatDateTime(s.nextRoundAt)}` : ''
                      }`,
                ],
                ['Open for', `${s.responseDays} days per round`],
                ['Rounds', s.rounds],
                ['Response rate (all rounds)', <span key="r">{rate(s.responseRate)}</span>],
                ['Created', <Time key="c" at={s.createdAt} />],
                ['Created by', s.createdBy],
              ]}
            />
          </Card>
        )}
      </Async>
      <Async state={results}>
        {(r) => {
          const nps = survey.data?.questions.nps ?? true;
          const csat = survey.data?.questions.csat ?? true;
          const capabilities =
            r.rounds[0]?.capabilities.map((c) => c.capability) ?? survey.data?.capabilities ?? [];
          return (
            <>
              <Card title="How the scores are computed">
                <ul className="survey-formulas">
                  {nps && <li>{r.formulas.nps}</li>}
                  {csat && <li>{r.formulas.csat}</li>}
                  <li>{r.formulas.anonymity}</li>
                </ul>
              </Card>
              {r.rounds.length === 0 ? (
                <Card>
                  <Empty>Not sent yet: no results.</Empty>
                </Card>
              ) : (
                <>
                  <Card title="Trend across rounds">
                    <div className="grid">
                      {capabilities.map((c) => {
                        const points: TrendPoint[] = r.rounds.map((round) => {
                          const slice = round.capabilities.find((x) => x.capability === c);
                          return {
                            label: `${round.number} · ${formatDateTime(round.startedAt)}`,
                            respondents: slice?.respondents ?? 0,
                            nps: slice?.shown ? slice.nps.score : null,
                            csat: slice?.shown ? slice.csat.score : null,
                          };
                        });
                        return (
                          <div key={c}>
                            <h3>{capabilityTitle(c)}</h3>
                            <ScoreTrend points={points} nps={nps} csat={csat} />
                          </div>
                        );
                      })}
                    </div>
                  </Card>
                  {[...r.rounds].reverse().map((round) => (
                    <Card
                      key={round.number}
                      title={`Round ${round.number}`}
                      actions={
                        <span className="muted" data-testid={`round-${round.number}-responded`}>
                          {round.responded} of {round.invited} answered ({rate(round.responseRate)}) ·{' '}
                          {round.mailed} e-mailed · started <Time at={round.startedAt} /> by {round.startedBy}{' '}
                          · closes <Time at={round.closesAt} />
                        </span>
                      }
                    >
                      {round.capabilities.map((c) => (
                        <CapabilityResultTable key={c.capability} result={c} nps={nps} csat={csat} />
                      ))}
                    </Card>
                  ))}
                </>
              )}
            </>
          );
        }}
      </Async>
    </>
  );
}

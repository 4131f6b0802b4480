/**
 * "Your pending surveys": the open invitations of the signed-in user, answered right here. One
 * NPS (0–10) and/or CSAT (1–5) per capability, with an optional comment; answering again in the
 * same round replaces the earlier answer.
 */
import type { PendingSurvey, SurveyResponseReceipt } from '@headroom/core/api/survey';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { post, seg } from '../api/client';
import { useAction, useApi } from '../api/hooks';
import { Async, Badge, Card, Empty, ProblemBox, Time } from './ui';

interface Draft {
  nps: number | null;
  csat: number | null;
  comment: string;
}

function Scale({
  name,
  legend,
  from,
  to,
  value,
  low,
  high,
  onChange,
}: {
  name: string;
  legend: string;
  from: number;
  to: number;
  value: number | null;
  low: string;
  high: string;
  onChange: (v: number) => void;
}) {
  const values = Array.from({ length: to - from + 1 }, (_, i) => from + i);
  return (
    <fieldset className="survey-scale">
      <legend>{legend}</legend>
      <span className="hint">{low}</span>
      {values.map((v) => (
        <label key={v} className={value === v ? 'survey-chosen' : undefined}>
          <input type="radio" name={name} value={v} checked={value === v} onChange={() => onChange(v)} />
          {v}
        </label>
      ))}
      <span className="hint">{high}</span>
    </fieldset>
  );
}

function AnswerForm({ survey, onAnswered }: { survey: PendingSurvey; onAnswered: () => void }) {
  const [drafts, setDrafts] = useState<Record<string, Draft>>(() =>
    Object.fromEntries(survey.capabilities.map((c) => [c.name, { nps: null, csat: null, comment: '' }])),
  );
  const [receipt, setReceipt] = useState<SurveyResponseReceipt | null>(null);
  const change = (capability: string, part: Partial<Draft>) =>
    setDrafts((d) => ({ ...d, [capability]: { ...(d[capability] as Draft), ...part } }));
  const send = useAction(async () => {
    const answers = survey.capabilities
      .map((c) => ({ capability: c.name, d: drafts[c.name] as Draft }))
      .filter(({ d }) => d.nps !== null || d.csat !== null || d.comment.trim() !== '')
      .map(({ capability, d }) => ({
        capability,
        ...(survey.questions.nps ? { nps: d.nps } : {}),
        ...(survey.questions.csat ? { csat: d.csat } : {}),
        ...(survey.questions.comment && d.comment.trim() ? { comment: d.comment.trim() } : {}),
      }));
    if (answers.length === 0) throw new Error('Answer at least one question before sending.');
    setReceipt(await post<SurveyResponseReceipt>(`/surveys/${seg(survey.survey)}/responses`, { answers }));
  });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await send.run()) onAnswered();
  };
  return (
    <form className="survey-answer" onSubmit={submit} aria-label={`Answer ${survey.title}`}>
      {survey.capabilities.map((c) => {
        const d = drafts[c.name] as Draft;
        return (
          <div key={c.name} className="survey-capability">
            <h4>{c.title}</h4>
            {survey.questions.nps && (
              <Scale
                name={`${survey.survey}-${c.name}-nps`}
                legend={`How likely are you to recommend ${c.title} to a colleague?`}
                from={0}
                to={10}
                value={d.nps}
                low="not at all"
                high="extremely"
                onChange={(v) => change(c.name, { nps: v })}
              />
            )}
            {survey.questions.csat && (
              <Scale
                name={`${survey.survey}-${c.name}-csat`}
                legend={`How satisfied are you with ${c.title}?`}
                from={1}
                to={5}
                value={d.csat}
                low="very unsatisfied"
                high="very satisfied"
                onChange={(v) => change(c.name, { csat: v })}
              />
            )}
            {survey.questions.comment && (
              <label>
                Comment on {c.title} (optional)
                <textarea
                  rows={2}
                  maxLength={2000}
                  value={d.comment}
                  onChange={(e) => change(c.name, { comment: e.target.value })}
                />
              </label>
            )}
          </div>
        );
      })}
      <div className="row">
        <button type="submit" className="primary" disabled={send.pending}>
          {send.pending ? 'Sending…' : survey.answered ? 'Replace my answer' : 'Send my answer'}
        </button>
        <span className="hint">Results never show who answered; only your team is kept with the answer.</span>
      </div>
      {receipt && (
        <p role="status" className="survey-receipt">
          Thank you: {receipt.answers} capabilit{receipt.answers === 1 ? 'y' : 'ies'} answered for round{' '}
          {receipt.round}
          {receipt.replaced ? ' (your earlier answer was replaced)' : ''}.
        </p>
      )}
      <ProblemBox error={send.error} />
    </form>
  );
}

function PendingItem({ survey: s, onAnswered }: { survey: PendingSurvey; onAnswered: () => void }) {
  // Open while unanswered; stays as the user left it after answering, so the receipt shows.
  const [open, setOpen] = useState(!s.answered);
  return (
    <details
      className="survey-pending"
      open={open}
      onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}
    >
      <summary>
        <strong>{s.title}</strong> <span className="muted">round {s.round}</span>{' '}
        {s.answered ? <Badge tone="ok">answered</Badge> : <Badge tone="warn">waiting</Badge>}{' '}
        <span className="muted">
          closes <Time at={s.closesAt} />
        </span>{' '}
        <Link to={`/surveys/${seg(s.survey)}`}>results</Link>
      </summary>
      <AnswerForm survey={s} onAnswered={onAnswered} />
    </details>
  );
}

export function PendingSurveys({ onAnswered }: { onAnswered?: () => void }) {
  const pending = useApi<PendingSurvey[]>('/surveys/pending');
  return (
    <Card title="Your pending surveys">
      <Async state={pending}>
        {(list) =>
          list.length === 0 ? (
            <Empty>No survey is waiting for you.</Empty>
          ) : (
            <div className="stack">
              {list.map((s) => (
                <PendingItem
                  key={`${s.survey}:${s.round}`}
                  survey={s}
                  onAnswered={() => {
                    pending.reload();
                    onAnswered?.();
                  }}
                />
              ))}
            </div>
          )
        }
      </Async>
    </Card>
  );
}

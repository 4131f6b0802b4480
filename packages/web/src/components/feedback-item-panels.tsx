/** The feedback item page's panels: status history, the status form ("you said, we did"), merge, comments. */
import type {
  FeedbackComment,
  FeedbackItem,
  FeedbackNotified,
  FeedbackStatusChange,
  FeedbackSummary,
} from '@headroom/core/api/feedback';
import { allowedMoves, NOTE_REQUIRED } from '@headroom/core/discovery/feedback-workflow';
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { post, seg } from '../api/client';
import { useAction, useApi } from '../api/hooks';
import { type FeedbackStatus, FeedbackStatusBadge, STATUS_LABELS } from './feedback-common';
import { Markdown } from './Markdown';
import { Empty, ProblemBox, Time } from './ui';

/** Who a closing change reached (e-mailed through the outbox) and who it could not. */
export function Notified({ notified }: { notified: FeedbackNotified }) {
  return (
    <ul className="fb-notified">
      <li className="fb-reached">
        E-mailed:{' '}
        {notified.reached.length > 0 ? notified.reached.join(', ') : <span className="muted">nobody</span>}
      </li>
      {notified.unreachable.map((u) => (
        <li key={u.user} className="fb-unreached">
          Not reached: <strong>{u.user}</strong> — {u.reason}
        </li>
      ))}
    </ul>
  );
}

export function StatusHistory({ history }: { history: FeedbackStatusChange[] }) {
  if (history.length === 0) return <Empty>No status changes yet.</Empty>;
  return (
    <ol className="timeline">
      {[...history].reverse().map((h, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: history is append-only, newest first
        <li key={i}>
          <div>
            {h.from ? <FeedbackStatusBadge status={h.from} /> : <span className="muted">filed</span>} →{' '}
            <FeedbackStatusBadge status={h.to} /> <span className="muted">by {h.actor}</span> ·{' '}
            <Time at={h.at} />
          </div>
          {h.note && <div className="fb-note">“{h.note}”</div>}
          {h.notified && <Notified notified={h.notified} />}
        </li>
      ))}
    </ol>
  );
}

export function StatusForm({
  item,
  onChanged,
}: {
  item: FeedbackItem;
  onChanged: (item: FeedbackItem) => void;
}) {
  const moves = allowedMoves(item.status).filter((s) => s !== 'duplicate');
  const [to, setTo] = useState<FeedbackStatus | ''>('');
  const [note, setNote] = useState('');
  const [result, setResult] = useState<FeedbackStatusChange | null>(null);
  const change = useAction(async () => {
    const updated = await post<FeedbackItem>(`/feedback/${seg(item.id)}/status`, {
      status: to,
      note: note.trim() || null,
    });
    setResult(updated.history.at(-1) ?? null);
    setTo('');
    setNote('');
    onChanged(updated);
  });
  const closing = to !== '' && NOTE_REQUIRED.includes(to);
  // The author and every voter, each once: who "you said, we did" goes to.
  const audience = [...new Set([item.author, ...item.voters.map((v) => v.voter)])];
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void change.run();
  };
  return (
    <div className="stack">
      {result && (
        <div className="card" role="status" data-testid="status-result">
          <strong>
            {item.id} is {STATUS_LABELS[result.to]}.
          </strong>
          {result.notified ? (
            <Notified notified={result.notified} />
          ) : (
            <div className="hint">Nobody is e-mailed for this status.</div>
          )}
        </div>
      )}
      {moves.length === 0 ? (
        <Empty>This item's status can't change.</Empty>
      ) : (
        <form className="stack" onSubmit={submit} aria-label="Change status">
          <label>
            New status
            <select required value={to} onChange={(e) => setTo(e.target.value as FeedbackStatus)}>
              <option value="">choose…</option>
              {moves.map((s) => (
                <option key={s} value={s}>
                  {STATUS_LABELS[s]}
                </option>
              ))}
            </select>
          </label>
          <label>
            Note{closing ? ' (required)' : ' (optional)'}
            <textarea
              value={note}
              onChange={(e) => setNote(e.target.value)}
              required={closing}
              maxLength={5000}
              rows={3}
              placeholder={closing ? 'What you did, in words the people who asked will understand' : ''}
            />
          </label>
          <p className="hint">
            Moving to <strong>done</strong> or <strong>declined</strong> e-mails the author and every voter
            this note — “you said, we did”: {audience.join(', ')}. Each person is told once; you will see who
            was reached and who was not.
          </p>
          <ProblemBox error={change.error} />
          <div className="row">
            <button type="submit" className="primary" disabled={change.pending || to === ''}>
              {change.pending
                ? 'Saving…'
                : closing
                  ? `Mark ${STATUS_LABELS[to as FeedbackStatus]} and notify`
                  : 'Change status'}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}

export function MergeForm({ item }: { item: FeedbackItem }) {
  const navigate = useNavigate();
  const others = useApi<FeedbackSummary[]>('/feedback', { limit: 1000 });
  const [into, setInto] = useState('');
  const [confirming, setConfirming] = useState(false);
  const merge = useAction(async () => {
    const kept = await post<FeedbackItem>(`/feedback/${seg(item.id)}/merge`, { into: into.trim() });
    navigate(`/feedback/${seg(kept.id)}`);
  });
  const choices = (others.data ?? []).filter((o) => o.id !== item.id);
  const target = choices.find((o) => o.id.toLowerCase() === into.trim().toLowerCase());
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!confirming) setConfirming(true);
    else void merge.run();
  };
  return (
    <form className="stack" onSubmit={submit} aria-label="Merge into another item">
      <label>
        Duplicate of
        <input
          required
          value={into}
          list="fb-merge-targets"
          placeholder="FB-…"
          onChange={(e) => {
            setInto(e.target.value);
            setConfirming(false);
          }}
        />
        <datalist id="fb-merge-targets">
          {choices.map((o) => (
            <option key={o.id} value={o.id}>
              {o.title}
            </option>
          ))}
        </datalist>
        {target && <span className="hint">“{target.title}”</span>}
      </label>
      {confirming && (
        <p role="alert">
          {item.id} becomes a duplicate of {into.trim()}: its {item.votes} vote{item.votes === 1 ? '' : 's'}{' '}
          and its author move there (each person once). This can't be undone. Press “Confirm merge” to go
          ahead.
        </p>
      )}
      <ProblemBox error={merge.error} />
      <div className="row">
        <button
          type="submit"
          className={confirming ? 'danger' : undefined}
          disabled={merge.pending || !into.trim()}
        >
          {confirming ? 'Confirm merge' : 'Merge…'}
        </button>
        {confirming && (
          <button type="button" className="ghost" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}

export function Comments({ item, onAdded }: { item: FeedbackItem; onAdded: () => void }) {
  const [body, setBody] = useState('');
  const add = useAction(async () => {
    await post<FeedbackComment>(`/feedback/${seg(item.id)}/comments`, { body });
    setBody('');
    onAdded();
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void add.run();
  };
  return (
    <div className="stack">
      {item.comments.length === 0 ? (
        <Empty>No comments yet.</Empty>
      ) : (
        <div>
          {item.comments.map((c) => (
            <article key={c.id} className="fb-comment">
              <div className="hint">
                <strong>{c.author}</strong> · <Time at={c.createdAt} />
              </div>
              <Markdown source={c.body} />
            </article>
          ))}
        </div>
      )}
      <form className="stack" onSubmit={submit} aria-label="Add a comment">
        <label>
          Comment (Markdown)
          <textarea
            required
            value={body}
            onChange={(e) => setBody(e.target.value)}
            rows={3}
            maxLength={20_000}
          />
        </label>
        <ProblemBox error={add.error} />
        <div className="row">
          <button type="submit" disabled={add.pending || !body.trim()}>
            {add.pending ? 'Adding…' : 'Add comment'}
          </button>
        </div>
      </form>
    </div>
  );
}

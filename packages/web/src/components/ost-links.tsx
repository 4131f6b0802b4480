/**
 * The feedback items and interviews behind an opportunity: the links it has (with unlink for
 * writers) and a search over /feedback and the recent interviews to link more.
 */
import type { FeedbackSummary, Interview } from '@headroom/core/api/feedback';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { del, post, seg } from '../api/client';
import { useAction, useApi } from '../api/hooks';
import { Badge, ProblemBox } from './ui';

/** The value after the user stopped typing for `ms`. */
function useDebounced<T>(value: T, ms = 250): T {
  const [shown, setShown] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setShown(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return shown;
}

export function LinkedEvidence({
  opportunity,
  feedback,
  interviews,
  canWrite,
  onChange,
}: {
  opportunity: string;
  feedback: string[];
  interviews: string[];
  canWrite: boolean;
  onChange: () => void;
}) {
  const unlink = useAction((id: string) =>
    del(`/discovery/opportunities/${seg(opportunity)}/links/${seg(id)}`),
  );
  const linked = [...feedback, ...interviews];
  return (
    <div className="ost-linked">
      <span className="muted">Behind it:</span>{' '}
      {linked.length === 0 && <span className="muted">no feedback or interviews linked yet</span>}
      {feedback.map((id) => (
        <span key={id} className="ost-chip">
          <Link to={`/feedback/${seg(id)}`}>{id}</Link>
          {canWrite && (
            <button
              type="button"
              className="ghost"
              aria-label={`Unlink ${id} from ${opportunity}`}
              onClick={async () => {
                if (await unlink.run(id)) onChange();
              }}
            >
              ×
            </button>
          )}
        </span>
      ))}
      {interviews.map((id) => (
        <span key={id} className="ost-chip">
          <Link to="/interviews">{id}</Link>
          {canWrite && (
            <button
              type="button"
              className="ghost"
              aria-label={`Unlink ${id} from ${opportunity}`}
              onClick={async () => {
                if (await unlink.run(id)) onChange();
              }}
            >
              ×
            </button>
          )}
        </span>
      ))}
      <ProblemBox error={unlink.error} />
    </div>
  );
}

export function LinkPicker({
  opportunity,
  linked,
  onChange,
  onClose,
}: {
  opportunity: string;
  linked: string[];
  onChange: () => void;
  onClose: () => void;
}) {
  const [q, setQ] = useState('');
  const query = useDebounced(q.trim());
  const items = useApi<FeedbackSummary[]>('/feedback', {
    q: query,
    limit: 8,
    sort: query ? 'votes' : 'newest',
  });
  const recent = useApi<Interview[]>('/interviews', { limit: 20 });
  const [interview, setInterview] = useState('');
  const link = useAction((id: string) => post(`/discovery/opportunities/${seg(opportunity)}/links`, { id }));
  const doLink = async (id: string) => {
    if (await link.run(id)) onChange();
  };
  const found = items.data ?? [];
  return (
    <div className="ost-picker">
      <label>
        Search feedback
        <input
          type="search"
          value={q}
          placeholder="words in the title or body"
          onChange={(e) => setQ(e.target.value)}
        />
      </label>
      <ProblemBox error={items.error} />
      <ul className="ost-picker-list" aria-label="Feedback found">
        {found.length === 0 && !items.loading && <li className="muted">No feedback matches.</li>}
        {found.map((f) => (
          <li key={f.id}>
            <button
              type="button"
              disabled={linked.includes(f.id) || link.pending}
              aria-label={`Link ${f.id}`}
              onClick={() => doLink(f.id)}
            >
              {linked.includes(f.id) ? 'Linked' : 'Link'}
            </button>{' '}
            <Link to={`/feedback/${seg(f.id)}`}>{f.id}</Link> {f.title}{' '}
            <span className="muted">
              {f.services.join(', ')} · {f.votes} vote{f.votes === 1 ? '' : 's'}
            </span>{' '}
            <Badge>{f.status}</Badge>
          </li>
        ))}
      </ul>
      <div className="row">
        <label>
          Interview
          <select value={interview} onChange={(e) => setInterview(e.target.value)}>
            <option value="">choose a recent interview</option>
            {(recent.data ?? []).map((i) => (
              <option key={i.id} value={i.id} disabled={linked.includes(i.id)}>
                {i.id} · {i.team} · {i.summary.slice(0, 60)}
              </option>
            ))}
          </select>
        </label>
        <button type="button" disabled={interview === '' || link.pending} onClick={() => doLink(interview)}>
          Link interview
        </button>
        <button type="button" className="ghost" onClick={onClose}>
          Done
        </button>
      </div>
      <ProblemBox error={link.error ?? recent.error} />
    </div>
  );
}

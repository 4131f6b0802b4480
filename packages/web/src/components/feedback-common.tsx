/** Shared pieces of the feedback pages: badges, links, the catalog pick lists and the vote control. */
import type { Service, Team } from '@headroom/core/api/catalog';
import type { FeedbackItem, FeedbackSummary } from '@headroom/core/api/feedback';
import { CAPABILITIES, CAPABILITY_TITLES, isPlatformCapability } from '@headroom/core/discovery/capabilities';
import { useState } from 'react';
import { Link } from 'react-router';
import { ApiError, del, post, seg } from '../api/client';
import { useAction, useApi } from '../api/hooks';
import { Badge, ProblemBox, type Tone } from './ui';

export type FeedbackStatus = FeedbackSummary['status'];
export type FeedbackKind = FeedbackSummary['kind'];

export const STATUS_LABELS: Record<FeedbackStatus, string> = {
  open: 'open',
  'under-review': 'under review',
  planned: 'planned',
  'in-progress': 'in progress',
  done: 'done',
  declined: 'declined',
  duplicate: 'duplicate',
};

export const KIND_LABELS: Record<FeedbackKind, string> = {
  'pain-point': 'pain point',
  request: 'request',
  question: 'question',
  praise: 'praise',
};

const STATUS_TONES: Record<FeedbackStatus, Tone> = {
  open: 'info',
  'under-review': 'info',
  planned: 'warn',
  'in-progress': 'warn',
  done: 'ok',
  declined: 'muted',
  duplicate: 'muted',
};

export function FeedbackStatusBadge({ status }: { status: FeedbackStatus }) {
  return <Badge tone={STATUS_TONES[status]}>{STATUS_LABELS[status]}</Badge>;
}

export function FeedbackKindBadge({ kind }: { kind: FeedbackKind }) {
  return (
    <Badge tone={kind === 'pain-point' ? 'bad' : kind === 'praise' ? 'ok' : 'muted'}>
      {KIND_LABELS[kind]}
    </Badge>
  );
}

export function FeedbackLink({ id, title }: { id: string; title?: string }) {
  return (
    <Link to={`/feedback/${seg(id)}`}>
      <span className="mono">{id}</span>
      {title ? ` ${title}` : ''}
    </Link>
  );
}

export function capabilityLabel(name: string | null): string {
  if (!name) return '—';
  return isPlatformCapability(name) ? CAPABILITY_TITLES[name] : name;
}

export { CAPABILITIES };

export function ServiceLinks({ services }: { services: string[] }) {
  if (services.length === 0) return <span className="muted">—</span>;
  return (
    <span className="fb-list">
      {services.map((s) => (
        <Link key={s} to={`/services/${seg(s)}`}>
          {s}
        </Link>
      ))}
    </span>
  );
}

export function MeanPain({ value }: { value: number | null }) {
  if (value === null) return <span className="muted">—</span>;
  return <span title="Mean pain the voters gave, 1 (mild) to 5 (severe)">{value.toFixed(1)}</span>;
}

/** Catalog services and teams for pick lists, fetched only when `enabled`. */
export function useCatalogChoices(enabled = true) {
  const services = useApi<Service[]>(enabled ? '/services' : null);
  const teams = useApi<Team[]>(enabled ? '/teams' : null);
  return {
    services: (services.data ?? []).map((s) => s.name).sort(),
    teams: (teams.data ?? []).map((t) => ({ name: t.name, title: t.title ?? t.name })),
    error: services.error ?? teams.error,
  };
}

/** "a, b, c" → ['a', 'b', 'c'], trimmed, empties dropped. */
export const splitList = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

/**
 * Vote (with an optional pain 1–5) and take the vote back. `voted` is what the caller knows:
 * true/false from an item's voters, or null on the board, whose summaries don't list voters.
 */
export function VoteControl({
  id,
  voted,
  myPain,
  onChanged,
  compact,
}: {
  id: string;
  voted: boolean | null;
  myPain?: number | null;
  onChanged: (item: FeedbackItem) => void;
  compact?: boolean;
}) {
  const [pain, setPain] = useState(myPain ? String(myPain) : '');
  const [notice, setNotice] = useState<string | null>(null);
  const vote = useAction(async () => {
    const item = await post<FeedbackItem>(`/feedback/${seg(id)}/votes`, { pain: pain ? Number(pain) : null });
    setNotice(voted ? 'Vote updated.' : 'Voted.');
    onChanged(item);
  });
  const unvote = useAction(async () => {
    try {
      onChanged(await del<FeedbackItem>(`/feedback/${seg(id)}/votes`));
      setNotice('Vote taken back.');
    } catch (e) {
      // On the board we may not know whether you voted: say so plainly instead of an error box.
      if (e instanceof ApiError && e.problem.code === 'VOTE_NOT_FOUND') setNotice('You had not voted.');
      else throw e;
    }
  });
  const busy = vote.pending || unvote.pending;
  return (
    <div className={compact ? 'fb-vote fb-vote-compact' : 'fb-vote'}>
      {compact ? (
        <select
          aria-label={`Pain for ${id}`}
          title="How much does it hurt? 1 (mild) to 5 (severe)"
          value={pain}
          onChange={(e) => setPain(e.target.value)}
          disabled={busy}
        >
          <option value="">pain –</option>
          {[1, 2, 3, 4, 5].map((n) => (
            <option key={n} value={n}>
              pain {n}
            </option>
          ))}
        </select>
      ) : (
        <label>
          How much does it hurt?
          <select value={pain} onChange={(e) => setPain(e.target.value)} disabled={busy}>
            <option value="">not said</option>
            {[1, 2, 3, 4, 5].map((n) => (
              <option key={n} value={n}>
                {n}
                {n === 1 ? ' (mild)' : n === 5 ? ' (severe)' : ''}
              </option>
            ))}
          </select>
        </label>
      )}
      <button
        type="button"
        className={voted ? undefined : 'primary'}
        disabled={busy}
        onClick={() => void vote.run()}
        aria-label={compact ? `Vote for ${id}` : undefined}
      >
        {voted ? 'Update vote' : 'Vote'}
      </button>
      {voted !== false && (
        <button
          type="button"
          className="ghost"
          disabled={busy}
          onClick={() => void unvote.run()}
          aria-label={compact ? `Take back vote for ${id}` : undefined}
        >
          Unvote
        </button>
      )}
      {notice && (
        <span className="hint" role="status">
          {notice}
        </span>
      )}
      <ProblemBox error={vote.error ?? unvote.error} />
    </div>
  );
}

import type { FeedbackBoard, FeedbackItem, FeedbackSummary } from '@headroom/core/api/feedback';
import { FEEDBACK_KINDS, FEEDBACK_STATUSES } from '@headroom/core/discovery/feedback-workflow';
import { type FormEvent, useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { seg } from '../api/client';
import { useApi } from '../api/hooks';
import { useAuth } from '../auth';
import {
  CAPABILITIES,
  capabilityLabel,
  FeedbackKindBadge,
  FeedbackStatusBadge,
  KIND_LABELS,
  MeanPain,
  ServiceLinks,
  STATUS_LABELS,
  useCatalogChoices,
  VoteControl,
} from '../components/feedback-common';
import { Async, Card, Empty, PageHeader, Time } from '../components/ui';
import '../styles/discovery.css';

const FILTERS = ['status', 'kind', 'service', 'team', 'capability', 'board', 'tag', 'q', 'sort'] as const;

function Select({
  label,
  value,
  onChange,
  options,
  any = 'any',
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  options: { value: string; label: string }[];
  any?: string;
}) {
  return (
    <label>
      {label}
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{any}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

export function Feedback() {
  const { me } = useAuth();
  const [params, setParams] = useSearchParams();
  const value = (key: (typeof FILTERS)[number]) => params.get(key) ?? '';
  const query = Object.fromEntries(FILTERS.map((k) => [k, value(k) || undefined]));
  const items = useApi<FeedbackSummary[]>('/feedback', { ...query, limit: 500 }, { refreshMs: 30_000 });
  const boards = useApi<FeedbackBoard[]>('/feedback/boards');
  const catalog = useCatalogChoices();
  // Which items you voted on (one query), then what you change here.
  const myVotes = useApi<FeedbackSummary[]>(me ? '/feedback' : null, { voter: me?.user, limit: 1000 });
  const votedBefore = new Set((myVotes.data ?? []).map((i) => i.id));
  const [mine, setMine] = useState<Record<string, boolean>>({});
  const [text, setText] = useState(value('q'));
  const [tag, setTag] = useState(value('tag'));
  const q = value('q');
  const tagParam = value('tag');
  useEffect(() => setText(q), [q]);
  useEffect(() => setTag(tagParam), [tagParam]);

  const set = (key: string, next: string) => {
    const updated = new URLSearchParams(params);
    if (next === '') updated.delete(key);
    else updated.set(key, next);
    setParams(updated, { replace: true });
  };
  const search = (e: FormEvent) => {
    e.preventDefault();
    const updated = new URLSearchParams(params);
    for (const [key, v] of [
      ['q', text.trim()],
      ['tag', tag.trim()],
    ] as const) {
      if (v) updated.set(key, v);
      else updated.delete(key);
    }
    setParams(updated, { replace: true });
  };
  const voted = (item: FeedbackItem) => {
    setMine((m) => ({ ...m, [item.id]: item.voters.some((v) => v.voter === me?.user) }));
    items.reload();
  };
  const filtered = FILTERS.some((k) => k !== 'sort' && value(k) !== '');

  return (
    <>
      <PageHeader
        title="Feedback"
        crumbs={[{ to: '/discovery', label: 'Discovery' }]}
        actions={<Link to="/interviews">Interviews</Link>}
      >
        <p className="hint">
          Pain points, requests, questions and praise from the teams who use the platform. File one with the
          Feedback button at the bottom left of any page; vote for the ones that hurt you too.
        </p>
      </PageHeader>
      <Card>
        <form className="inline-form fb-filters" aria-label="Filter feedback" onSubmit={search}>
          <Select
            label="Status"
            value={value('status')}
            onChange={(v) => set('status', v)}
            any="any but duplicates"
            options={FEEDBACK_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] }))}
          />
          <Select
            label="Kind"
            value={value('kind')}
            onChange={(v) => set('kind', v)}
            options={FEEDBACK_KINDS.map((k) => ({ value: k, label: KIND_LABELS[k] }))}
          />
          <Select
            label="Service"
            value={value('service')}
            onChange={(v) => set('service', v)}
            options={catalog.services.map((s) => ({ value: s, label: s }))}
          />
          <Select
            label="Team"
            value={value('team')}
            onChange={(v) => set('team', v)}
            options={catalog.teams.map((t) => ({ value: t.name, label: t.title }))}
          />
          <Select
            label="Capability"
            value={value('capability')}
            onChange={(v) => set('capability', v)}
            options={CAPABILITIES.map((c) => ({ value: c.name, label: c.title }))}
          />
          <Select
            label="Board"
            value={value('board')}
            onChange={(v) => set('board', v)}
            options={(boards.data ?? []).map((b) => ({ value: b.board, label: `${b.board} (${b.total})` }))}
          />
          <label>
            Tag
            <input value={tag} onChange={(e) => setTag(e.target.value)} placeholder="gate" />
          </label>
          <label className="fb-q">
            Words
            <input
              type="search"
              value={text}
              onChange={(e) => setText(e.target.value)}
              placeholder="title or text"
            />
          </label>
          <button type="submit">Search</button>
          <Select
            label="Sort by"
            value={value('sort')}
            onChange={(v) => set('sort', v)}
            any="newest"
            options={[
              { value: 'votes', label: 'most votes' },
              { value: 'pain', label: 'highest pain' },
            ]}
          />
          {filtered && (
            <button
              type="button"
              className="ghost"
              onClick={() => setParams(new URLSearchParams(), { replace: true })}
            >
              Clear filters
            </button>
          )}
        </form>
      </Card>
      <Card title={items.data ? `${items.data.length} item${items.data.length === 1 ? '' : 's'}` : 'Items'}>
        <Async state={items}>
          {(list) =>
            list.length === 0 ? (
              <Empty>{filtered ? 'Nothing matches these filters.' : 'No feedback yet.'}</Empty>
            ) : (
              <table className="table fb-table">
                <thead>
                  <tr>
                    <th>Item</th>
                    <th>Kind</th>
                    <th>Status</th>
                    <th className="num">Votes</th>
                    <th className="num" title="Mean pain, 1–5">
                      Pain
                    </th>
                    <th>Services</th>
                    <th>Team</th>
                    <th>Filed</th>
                    <th>Your vote</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((item) => (
                    <tr key={item.id} data-testid={`feedback-row-${item.id}`}>
                      <td className="fb-title">
                        <Link to={`/feedback/${seg(item.id)}`}>
                          <span className="mono">{item.id}</span> {item.title}
                        </Link>
                        <span className="hint">
                          {[
                            item.capability && capabilityLabel(item.capability),
                            item.board && `board ${item.board}`,
                            item.tags.map((t) => `#${t}`).join(' '),
                            item.commentCount > 0 &&
                              `${item.commentCount} comment${item.commentCount === 1 ? '' : 's'}`,
                          ]
                            .filter(Boolean)
                            .join(' · ')}
                        </span>
                      </td>
                      <td>
                        <FeedbackKindBadge kind={item.kind} />
                      </td>
                      <td>
                        <FeedbackStatusBadge status={item.status} />
                        {item.duplicateOf && (
                          <span className="hint">
                            of <Link to={`/feedback/${seg(item.duplicateOf)}`}>{item.duplicateOf}</Link>
                          </span>
                        )}
                      </td>
                      <td className="num fb-votes">{item.votes}</td>
                      <td className="num">
                        <MeanPain value={item.meanPain} />
                      </td>
                      <td>
                        <ServiceLinks services={item.services} />
                      </td>
                      <td>{item.team ?? <span className="muted">—</span>}</td>
                      <td>
                        <Time at={item.createdAt} />
                        <span className="hint">{item.author}</span>
                      </td>
                      <td>
                        {item.status === 'duplicate' ? (
                          <span className="hint">vote on {item.duplicateOf}</span>
                        ) : (
                          <VoteControl
                            id={item.id}
                            voted={mine[item.id] ?? (myVotes.data ? votedBefore.has(item.id) : null)}
                            onChanged={voted}
                            compact
                          />
                        )}
                      </td>
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

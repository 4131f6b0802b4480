import type { Opportunity } from '@headroom/core/api/discovery';
import type { Interview, FeedbackItem as Item } from '@headroom/core/api/feedback';
import { Link, useParams } from 'react-router';
import { seg } from '../api/client';
import { useApi } from '../api/hooks';
import { useAuth, useCanWrite } from '../auth';
import {
  capabilityLabel,
  FeedbackKindBadge,
  FeedbackLink,
  FeedbackStatusBadge,
  MeanPain,
  ServiceLinks,
  VoteControl,
} from '../components/feedback-common';
import { Comments, MergeForm, StatusForm, StatusHistory } from '../components/feedback-item-panels';
import { Markdown } from '../components/Markdown';
import { Async, Card, Empty, Facts, PageHeader, ProblemBox, Time } from '../components/ui';
import '../styles/discovery.css';

function Linked({ item }: { item: Item }) {
  const interviews = useApi<Interview[]>('/interviews', { feedback: item.id });
  // The server filters by one linked id; with merged duplicates, every link is checked here.
  const opportunities = useApi<{ items: Opportunity[] }>(
    '/discovery/opportunities',
    item.duplicates.length === 0 ? { linked: item.id } : { limit: 1000 },
  );
  // Opportunities that cite this item or one merged into it.
  const ids = new Set([item.id, ...item.duplicates.map((d) => d.id)]);
  const citing = (opportunities.data?.items ?? []).filter((o) => o.feedback.some((f) => ids.has(f)));
  return (
    <>
      <h3>Interviews</h3>
      <Async state={interviews}>
        {(list) =>
          list.length === 0 ? (
            <Empty>No interview is linked to it.</Empty>
          ) : (
            <ul>
              {list.map((i) => (
                <li key={i.id}>
                  <Link to={`/interviews?team=${seg(i.team)}#${seg(i.id)}`} className="mono">
                    {i.id}
                  </Link>{' '}
                  {i.team}, <Time at={i.heldAt} />: {i.summary}
                </li>
              ))}
            </ul>
          )
        }
      </Async>
      <h3>Opportunities</h3>
      {opportunities.error ? (
        <ProblemBox error={opportunities.error} />
      ) : citing.length === 0 ? (
        <Empty>{opportunities.data ? 'Not placed under an opportunity yet.' : 'Loading…'}</Empty>
      ) : (
        <ul>
          {citing.map((o) => (
            <li key={o.name}>
              <Link to={`/discovery/tree?opportunity=${seg(o.name)}`}>{o.title}</Link>{' '}
              <span className="muted">({o.outcome})</span>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

export function FeedbackItem() {
  const { id = '' } = useParams();
  const { me } = useAuth();
  const canWrite = useCanWrite();
  const state = useApi<Item>(`/feedback/${seg(id)}`, undefined, { refreshMs: 20_000 });
  const item = state.data;
  const mine = item?.voters.find((v) => v.voter === me?.user);

  return (
    <>
      <PageHeader
        title={item ? `${item.id} ${item.title}` : id}
        crumbs={[
          { to: '/discovery', label: 'Discovery' },
          { to: '/feedback', label: 'Feedback' },
        ]}
      >
        {item && (
          <div className="row">
            <FeedbackKindBadge kind={item.kind} />
            <FeedbackStatusBadge status={item.status} />
            <span className="muted">
              filed by {item.author} <Time at={item.createdAt} />
            </span>
          </div>
        )}
      </PageHeader>
      <Async state={state}>
        {(item) => (
          <>
            {item.duplicateOf && (
              <div className="card" role="note">
                This item was merged into <FeedbackLink id={item.duplicateOf} />: vote, comment and follow its
                status there.
              </div>
            )}
            <div className="grid-2">
              <div className="stack">
                <Card>
                  <Facts
                    items={[
                      [
                        'Team',
                        item.team ?? (
                          <span key="t" className="muted">
                            —
                          </span>
                        ),
                      ],
                      ['Services', <ServiceLinks key="s" services={item.services} />],
                      ['Capability', capabilityLabel(item.capability)],
                      [
                        'Board',
                        item.board ? (
                          <Link key="b" to={`/feedback?board=${encodeURIComponent(item.board)}`}>
                            {item.board}
                          </Link>
                        ) : (
                          <span key="b" className="muted">
                            —
                          </span>
                        ),
                      ],
                      [
                        'Tags',
                        item.tags.length ? (
                          <span key="t" className="fb-list">
                            {item.tags.map((t) => (
                              <Link key={t} to={`/feedback?tag=${encodeURIComponent(t)}`}>
                                #{t}
                              </Link>
                            ))}
                          </span>
                        ) : (
                          <span key="t" className="muted">
                            —
                          </span>
                        ),
                      ],
                      [
                        'Filed from',
                        item.page ? (
                          <Link key="p" to={item.page} className="mono" data-testid="filed-from">
                            {item.page}
                          </Link>
                        ) : (
                          <span key="p" className="muted">
                            API or CLI
                          </span>
                        ),
                      ],
                      ['Updated', <Time key="u" at={item.updatedAt} />],
                      ['Closed', <Time key="c" at={item.closedAt} />],
                    ]}
                  />
                  {item.statusNote && (
                    <p>
                      <strong>The team's note:</strong> {item.statusNote}
                    </p>
                  )}
                  {item.body.trim() ? (
                    <Markdown source={item.body} />
                  ) : (
                    <p className="muted">No description.</p>
                  )}
                </Card>
                <Card title={`Comments (${item.comments.length})`}>
                  <Comments item={item} onAdded={state.reload} />
                </Card>
                <Card title="Status history">
                  <StatusHistory history={item.history} />
                </Card>
              </div>
              <div className="stack">
                <Card title="Votes">
                  <div className="row">
                    <div className="stat">
                      <span className="value" data-testid="vote-count">
                        {item.votes}
                      </span>
                      <span className="label">vote{item.votes === 1 ? '' : 's'}</span>
                    </div>
                    <div className="stat">
                      <span className="value">
                        <MeanPain value={item.meanPain} />
                      </span>
                      <span className="label">mean pain (1–5)</span>
                    </div>
                  </div>
                  {item.voters.length > 0 && (
                    <table className="table">
                      <thead>
                        <tr>
                          <th>Voter</th>
                          <th className="num">Pain</th>
                          <th>When</th>
                        </tr>
                      </thead>
                      <tbody>
                        {item.voters.map((v) => (
                          <tr key={v.voter}>
                            <td>{v.voter}</td>
                            <td className="num">{v.pain ?? '—'}</td>
                            <td>
                              <Time at={v.at} />
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  )}
                  {item.status !== 'duplicate' && (
                    <>
                      <h3>
                        {mine
                          ? `You voted${mine.pain ? ` (pain ${mine.pain})` : ''}`
                          : 'Does it hurt you too?'}
                      </h3>
                      <VoteControl
                        key={mine ? `v${mine.pain}` : 'none'}
                        id={item.id}
                        voted={Boolean(mine)}
                        myPain={mine?.pain ?? null}
                        onChanged={state.reload}
                      />
                    </>
                  )}
                </Card>
                {canWrite && item.status !== 'duplicate' && (
                  <Card title="Change status">
                    <StatusForm item={item} onChanged={state.reload} />
                  </Card>
                )}
                {item.duplicates.length > 0 && (
                  <Card title="Duplicates merged into it">
                    <ul>
                      {item.duplicates.map((d) => (
                        <li key={d.id}>
                          <FeedbackLink id={d.id} title={d.title} />{' '}
                          <span className="muted">by {d.author}</span>
                        </li>
                      ))}
                    </ul>
                  </Card>
                )}
                <Card title="Linked">
                  <Linked item={item} />
                </Card>
                {canWrite && item.status !== 'duplicate' && (
                  <Card title="Merge into another item">
                    <MergeForm item={item} />
                  </Card>
                )}
              </div>
            </div>
          </>
        )}
      </Async>
    </>
  );
}

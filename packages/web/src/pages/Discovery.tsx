import type { FeedbackBoard, FeedbackSummary } from '@headroom/core/api/feedback';
import { FEEDBACK_STATUSES } from '@headroom/core/discovery/feedback-workflow';
import { Link } from 'react-router';
import { seg } from '../api/client';
import { useApi } from '../api/hooks';
import { CadencePanel } from '../components/feedback-cadence';
import {
  FeedbackKindBadge,
  FeedbackStatusBadge,
  MeanPain,
  ServiceLinks,
  STATUS_LABELS,
} from '../components/feedback-common';
import { Async, Card, Empty, PageHeader } from '../components/ui';
import '../styles/discovery.css';

const PLACES = [
  { to: '/feedback', label: 'Feedback board', hint: 'Everything teams told us, with votes and pain' },
  { to: '/interviews', label: 'Interviews', hint: 'Conversations with teams, and the weekly habit' },
  { to: '/discovery/tree', label: 'Opportunity tree', hint: 'Outcomes → opportunities → solutions → tests' },
  { to: '/discovery/backlog', label: 'Backlog', hint: 'Solutions ranked by RICE' },
  { to: '/surveys', label: 'Surveys', hint: 'NPS and CSAT per capability' },
  { to: '/platform', label: 'Platform panel', hint: 'Adoption and satisfaction over time' },
];

// Statuses still waiting for the platform team (not done, declined or merged).
const OPEN_STATUSES = new Set(['open', 'under-review', 'planned', 'in-progress']);

function TopItems() {
  const items = useApi<FeedbackSummary[]>('/feedback', { sort: 'votes', limit: 100 }, { refreshMs: 60_000 });
  return (
    <Async state={items}>
      {(list) => {
        const top = list.filter((i) => OPEN_STATUSES.has(i.status)).slice(0, 10);
        if (top.length === 0) return <Empty>No open feedback. Ask a team what hurts.</Empty>;
        return (
          <table className="table">
            <thead>
              <tr>
                <th>Item</th>
                <th>Status</th>
                <th className="num">Votes</th>
                <th className="num">Pain</th>
                <th>Services</th>
                <th>Team</th>
              </tr>
            </thead>
            <tbody>
              {top.map((i) => (
                <tr key={i.id}>
                  <td>
                    <Link to={`/feedback/${seg(i.id)}`}>
                      <span className="mono">{i.id}</span> {i.title}
                    </Link>{' '}
                    <FeedbackKindBadge kind={i.kind} />
                  </td>
                  <td>
                    <FeedbackStatusBadge status={i.status} />
                  </td>
                  <td className="num fb-votes">{i.votes}</td>
                  <td className="num">
                    <MeanPain value={i.meanPain} />
                  </td>
                  <td>
                    <ServiceLinks services={i.services} />
                  </td>
                  <td>{i.team ?? <span className="muted">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        );
      }}
    </Async>
  );
}

function Boards() {
  const boards = useApi<FeedbackBoard[]>('/feedback/boards', undefined, { refreshMs: 60_000 });
  return (
    <Async state={boards}>
      {(list) =>
        list.length === 0 ? (
          <Empty>No boards yet: give feedback items a board (e.g. “Release”) to group them.</Empty>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th>Board</th>
                {FEEDBACK_STATUSES.map((s) => (
                  <th key={s} className="num">
                    {STATUS_LABELS[s]}
                  </th>
                ))}
                <th className="num">Total</th>
              </tr>
            </thead>
            <tbody>
              {list.map((b) => (
                <tr key={b.board}>
                  <td>
                    <Link to={`/feedback?board=${encodeURIComponent(b.board)}`}>{b.board}</Link>
                  </td>
                  {FEEDBACK_STATUSES.map((s) => (
                    <td key={s} className="num">
                      {b.byStatus[s] ? (
                        <Link to={`/feedback?board=${encodeURIComponent(b.board)}&status=${s}`}>
                          {b.byStatus[s]}
                        </Link>
                      ) : (
                        <span className="muted">0</span>
                      )}
                    </td>
                  ))}
                  <td className="num">{b.total}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      }
    </Async>
  );
}

export function Discovery() {
  return (
    <>
      <PageHeader title="Discovery">
        <p className="hint">
          Run the platform as a product: hear the teams who use it every week, group what they say into
          opportunities, decide by evidence, and tell them when it is done.
        </p>
      </PageHeader>
      <nav className="fb-links" aria-label="Discovery">
        {PLACES.map((p) => (
          <Link key={p.to} to={p.to}>
            <strong>{p.label}</strong>
            <span className="hint">{p.hint}</span>
          </Link>
        ))}
      </nav>
      <div className="grid-2">
        <div className="stack">
          <Card title="Top open items by votes" actions={<Link to="/feedback?sort=votes">All feedback</Link>}>
            <TopItems />
          </Card>
          <Card title="Boards">
            <Boards />
          </Card>
        </div>
        <Card title="Teams heard from, last 8 weeks" actions={<Link to="/interviews">Interviews</Link>}>
          <CadencePanel />
        </Card>
      </div>
    </>
  );
}

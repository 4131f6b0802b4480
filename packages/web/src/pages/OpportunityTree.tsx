import type { Outcome, Tree } from '@headroom/core/api/discovery';
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useApi } from '../api/hooks';
import { useCanWrite } from '../auth';
import { OutcomeForm } from '../components/ost-forms';
import { OstTree, opportunityAnchor } from '../components/ost-tree';
import { Async, Card, Empty, PageHeader } from '../components/ui';
import '../styles/discovery.css';

export function OpportunityTree() {
  const [params, setParams] = useSearchParams();
  const outcome = params.get('outcome') ?? '';
  const focus = params.get('opportunity');
  const canWrite = useCanWrite();
  const outcomes = useApi<{ items: Outcome[] }>('/discovery/outcomes');
  const tree = useApi<Tree>('/discovery/tree', { outcome });
  const [adding, setAdding] = useState(false);

  const choose = (name: string) => {
    const next = new URLSearchParams();
    if (name) next.set('outcome', name);
    setParams(next, { replace: true });
  };

  // A deep link to an opportunity: bring it into view once the tree is drawn.
  const drawn = tree.data !== undefined;
  useEffect(() => {
    if (!drawn || !focus) return;
    const el = document.getElementById(opportunityAnchor(focus));
    el?.scrollIntoView({ block: 'center' });
    el?.querySelector<HTMLElement>('.ost-toggle')?.focus({ preventScroll: true });
  }, [drawn, focus]);

  const reload = () => {
    tree.reload();
    outcomes.reload();
  };

  return (
    <>
      <PageHeader
        title="Opportunity-solution tree"
        crumbs={[{ to: '/discovery', label: 'Discovery' }]}
        actions={
          <>
            <label className="ost-inline">
              Outcome
              <select value={outcome} onChange={(e) => choose(e.target.value)}>
                <option value="">all outcomes</option>
                {(outcomes.data?.items ?? []).map((o) => (
                  <option key={o.name} value={o.name}>
                    {o.title}
                  </option>
                ))}
              </select>
            </label>
            <Link to={`/discovery/backlog${outcome ? `?outcome=${encodeURIComponent(outcome)}` : ''}`}>
              Ranked backlog
            </Link>
            {canWrite && !adding && (
              <button type="button" className="primary" onClick={() => setAdding(true)}>
                New outcome
              </button>
            )}
          </>
        }
      >
        <p className="muted">
          Outcomes to move, the opportunities (needs and pains) behind them with evidence from incidents,
          budgets and pages, the solutions ranked by RICE and the assumption tests that check them. Arrow keys
          move through the tree.
        </p>
      </PageHeader>
      {adding && (
        <Card title="New outcome">
          <OutcomeForm
            onDone={(name) => {
              setAdding(false);
              choose(name);
              reload();
            }}
            onCancel={() => setAdding(false)}
          />
        </Card>
      )}
      <Async state={tree}>
        {(t) =>
          t.outcomes.length === 0 ? (
            <Empty>
              No outcomes yet. {canWrite ? 'Start with the outcome you want to move.' : ''} Outcomes can also
              be declared as code (<code>kind: Outcome</code>) and applied.
            </Empty>
          ) : (
            <OstTree outcomes={t.outcomes} canWrite={canWrite} reload={reload} focus={focus} />
          )
        }
      </Async>
    </>
  );
}

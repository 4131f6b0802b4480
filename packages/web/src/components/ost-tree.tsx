/**
 * The opportunity-solution tree drawn as nested, indented lists: outcome → opportunities (and
 * sub-opportunities) → solutions → assumption tests, evidence beside each opportunity and the
 * RICE score beside each solution. Arrow keys move between nodes (Up/Down), open and close them
 * (Right/Left, Left again goes to the parent), Home/End jump to the first and last.
 */
import type {
  AssumptionTest,
  TreeOpportunity,
  TreeOutcome,
  TreeSolution,
} from '@headroom/core/api/discovery';
import { createContext, type KeyboardEvent, type ReactNode, useContext, useState } from 'react';
import { Link } from 'react-router';
import { seg } from '../api/client';
import { formatNumber } from '../format';
import { EvidencePanel, RicePanel } from './ost-evidence';
import { AssumptionTestForm, DeleteButton, OpportunityForm, OutcomeForm, SolutionForm } from './ost-forms';
import { LinkedEvidence, LinkPicker } from './ost-links';
import { RiceForm } from './ost-rice';
import { Badge, type Tone } from './ui';

interface TreeContext {
  canWrite: boolean;
  reload: () => void;
  collapsed: Set<string>;
  toggle: (key: string) => void;
  /** The opportunity a deep link points at. */
  focus: string | null;
}
const Ctx = createContext<TreeContext | null>(null);
const useTree = () => {
  const ctx = useContext(Ctx);
  if (!ctx) throw new Error('OstTree context missing');
  return ctx;
};

export const opportunityAnchor = (name: string) => `ost-opportunity-${name}`;

/** Arrow-key navigation between the nodes' toggles, in document order. */
function onTreeKey(e: KeyboardEvent<HTMLDivElement>) {
  const target = e.target as HTMLElement;
  if (!target.classList.contains('ost-toggle')) return;
  const toggles = [...e.currentTarget.querySelectorAll<HTMLElement>('.ost-toggle')];
  const i = toggles.indexOf(target);
  const expanded = target.getAttribute('aria-expanded');
  const go = (el: HTMLElement | null | undefined) => {
    if (!el) return;
    e.preventDefault();
    el.focus();
  };
  switch (e.key) {
    case 'ArrowDown':
      return go(toggles[i + 1]);
    case 'ArrowUp':
      return go(toggles[i - 1]);
    case 'Home':
      return go(toggles[0]);
    case 'End':
      return go(toggles[toggles.length - 1]);
    case 'ArrowRight':
      e.preventDefault();
      if (expanded === 'false') target.click();
      else if (expanded === 'true') toggles[i + 1]?.focus();
      return;
    case 'ArrowLeft':
      e.preventDefault();
      if (expanded === 'true') target.click();
      else
        target
          .closest('li')
          ?.parentElement?.closest('li')
          ?.querySelector<HTMLElement>('.ost-toggle')
          ?.focus();
      return;
  }
}

export function OstTree({
  outcomes,
  canWrite,
  reload,
  focus,
}: {
  outcomes: TreeOutcome[];
  canWrite: boolean;
  reload: () => void;
  focus: string | null;
}) {
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const toggle = (key: string) =>
    setCollapsed((old) => {
      const next = new Set(old);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  return (
    <Ctx.Provider value={{ canWrite, reload, collapsed, toggle, focus }}>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: arrow keys only add to the buttons' own Tab order */}
      <div className="ost-tree" onKeyDown={onTreeKey}>
        <ul className="ost-level" aria-label="Outcomes">
          {outcomes.map((o) => (
            <OutcomeNode key={o.name} outcome={o} />
          ))}
        </ul>
      </div>
    </Ctx.Provider>
  );
}

/** One node: toggle, kind, title and what sits beside it; children below when open. */
function Node({
  nodeKey,
  kind,
  tone,
  title,
  name,
  id,
  highlight,
  meta,
  aside,
  children,
  body,
}: {
  nodeKey: string;
  kind: string;
  tone: Tone;
  title: string;
  name: string;
  id?: string;
  highlight?: boolean;
  meta?: ReactNode;
  aside?: ReactNode;
  body?: ReactNode;
  children?: ReactNode;
}) {
  const { collapsed, toggle } = useTree();
  const open = !collapsed.has(nodeKey);
  const hasChildren = children !== undefined && children !== null && children !== false;
  return (
    <li className={`ost-item ost-${kind.replace(/ /g, '-')}`} id={id}>
      <div className={`ost-node${highlight ? ' ost-focus' : ''}`}>
        <div className="ost-main">
          <div className="ost-head">
            {hasChildren ? (
              <button
                type="button"
                className="ghost ost-toggle"
                aria-expanded={open}
                aria-label={`${open ? 'Collapse' : 'Expand'} ${kind} ${title}`}
                onClick={() => toggle(nodeKey)}
              >
                {open ? '▾' : '▸'}
              </button>
            ) : (
              <span className="ost-toggle ost-leaf" tabIndex={-1}>
                <span aria-hidden="true">•</span>
                <span className="ost-sr">{`${kind} ${title}`}</span>
              </span>
            )}
            <Badge tone={tone}>{kind}</Badge>
            <strong className="ost-title">{title}</strong>
            <code className="muted">{name}</code>
            {meta}
          </div>
          {body}
        </div>
        {aside && <div className="ost-aside">{aside}</div>}
      </div>
      {hasChildren && open && <ul className="ost-level">{children}</ul>}
    </li>
  );
}

type Mode = null | 'edit' | 'add' | 'add-2' | 'link' | 'rice';

function Actions({ children }: { children: ReactNode }) {
  return <div className="row ost-actions">{children}</div>;
}

function OutcomeNode({ outcome: o }: { outcome: TreeOutcome }) {
  const { canWrite, reload } = useTree();
  const [mode, setMode] = useState<Mode>(null);
  const done = () => {
    setMode(null);
    reload();
  };
  const flat: { name: string; title: string }[] = [];
  const walk = (list: TreeOpportunity[]) => {
    for (const x of list) {
      flat.push({ name: x.name, title: x.title });
      walk(x.children);
    }
  };
  walk(o.opportunities);
  const current = o.current;
  return (
    <Node
      nodeKey={`outcome:${o.name}`}
      kind="outcome"
      tone="info"
      title={o.title}
      name={o.name}
      meta={o.managedBy === 'apply' && <Badge title="Declared in config as code">apply</Badge>}
      body={
        <>
          <div className="ost-target">
            Target: {o.metric.target ?? <span className="muted">none set</span>}
            {current && (
              <>
                {' — now '}
                <strong data-testid={`outcome-current-${o.name}`}>{formatNumber(current.value)}</strong>{' '}
                <span className="muted">({current.description})</span>{' '}
                {current.met === null ? null : (
                  <Badge tone={current.met ? 'ok' : 'bad'}>{current.met ? 'met' : 'not met'}</Badge>
                )}
              </>
            )}
            {o.metric.services.length > 0 && (
              <span className="muted"> · measured on {o.metric.services.join(', ')}</span>
            )}
          </div>
          {o.description && <p className="ost-desc">{o.description}</p>}
          {canWrite && mode === null && (
            <Actions>
              <button type="button" onClick={() => setMode('add')}>
                Add opportunity
              </button>
              <button type="button" className="ghost" onClick={() => setMode('edit')}>
                Edit
              </button>
              <DeleteButton what={o.name} path={`/discovery/outcomes/${seg(o.name)}`} onDone={reload} />
            </Actions>
          )}
          {mode === 'edit' && <OutcomeForm outcome={o} onDone={done} onCancel={() => setMode(null)} />}
          {mode === 'add' && (
            <OpportunityForm outcome={o.name} onDone={done} onCancel={() => setMode(null)} />
          )}
        </>
      }
    >
      {o.opportunities.length > 0 &&
        o.opportunities.map((x) => (
          <OpportunityNode key={x.name} opportunity={x} outcome={o.name} flat={flat} />
        ))}
    </Node>
  );
}

function OpportunityNode({
  opportunity: x,
  outcome,
  flat,
}: {
  opportunity: TreeOpportunity;
  outcome: string;
  flat: { name: string; title: string }[];
}) {
  const { canWrite, reload, focus } = useTree();
  const [mode, setMode] = useState<Mode>(null);
  const done = () => {
    setMode(null);
    reload();
  };
  const children = [
    ...x.children.map((c) => <OpportunityNode key={c.name} opportunity={c} outcome={outcome} flat={flat} />),
    ...x.solutions.map((s) => (
      <SolutionNode key={s.name} solution={s} teamsAffected={x.evidence.teamsAffected.count} />
    )),
  ];
  return (
    <Node
      nodeKey={`opportunity:${x.name}`}
      id={opportunityAnchor(x.name)}
      highlight={focus === x.name}
      kind={x.parent ? 'sub-opportunity' : 'opportunity'}
      tone="warn"
      title={x.title}
      name={x.name}
      meta={
        <>
          <Link
            className="ost-deeplink"
            to={`/discovery/tree?outcome=${seg(outcome)}&opportunity=${seg(x.name)}`}
          >
            link
          </Link>
          {x.services.map((s) => (
            <Link key={s} to={`/services/${seg(s)}`} className="ost-service">
              {s}
            </Link>
          ))}
        </>
      }
      aside={<EvidencePanel evidence={x.evidence} />}
      body={
        <>
          {x.description && <p className="ost-desc">{x.description}</p>}
          <LinkedEvidence
            opportunity={x.name}
            feedback={x.feedback}
            interviews={x.interviews}
            canWrite={canWrite}
            onChange={reload}
          />
          {canWrite && mode === null && (
            <Actions>
              <button type="button" onClick={() => setMode('add')}>
                Add solution
              </button>
              <button type="button" onClick={() => setMode('add-2')}>
                Add sub-opportunity
              </button>
              <button type="button" onClick={() => setMode('link')}>
                Link feedback or interview
              </button>
              <button type="button" className="ghost" onClick={() => setMode('edit')}>
                Edit
              </button>
              <DeleteButton what={x.name} path={`/discovery/opportunities/${seg(x.name)}`} onDone={reload} />
            </Actions>
          )}
          {mode === 'edit' && (
            <OpportunityForm
              outcome={outcome}
              opportunity={x}
              siblings={flat}
              onDone={done}
              onCancel={() => setMode(null)}
            />
          )}
          {mode === 'add-2' && (
            <OpportunityForm outcome={outcome} parent={x.name} onDone={done} onCancel={() => setMode(null)} />
          )}
          {mode === 'add' && (
            <SolutionForm opportunity={x.name} onDone={done} onCancel={() => setMode(null)} />
          )}
          {mode === 'link' && (
            <LinkPicker
              opportunity={x.name}
              linked={[...x.feedback, ...x.interviews]}
              onChange={reload}
              onClose={() => setMode(null)}
            />
          )}
        </>
      }
    >
      {children.length > 0 && children}
    </Node>
  );
}

const solutionTone = (status: string): Tone =>
  status === 'shipped' ? 'ok' : status === 'building' ? 'info' : status === 'dropped' ? 'muted' : 'muted';

function SolutionNode({ solution: s, teamsAffected }: { solution: TreeSolution; teamsAffected: number }) {
  const { canWrite, reload } = useTree();
  const [mode, setMode] = useState<Mode>(null);
  const done = () => {
    setMode(null);
    reload();
  };
  return (
    <Node
      nodeKey={`solution:${s.name}`}
      kind="solution"
      tone="ok"
      title={s.title}
      name={s.name}
      meta={<Badge tone={solutionTone(s.status)}>{s.status}</Badge>}
      aside={<RicePanel score={s.score} />}
      body={
        <>
          {s.description && <p className="ost-desc">{s.description}</p>}
          {canWrite && mode === null && (
            <Actions>
              <button type="button" onClick={() => setMode('rice')}>
                {s.rice ? 'Edit RICE' : 'Score with RICE'}
              </button>
              <button type="button" onClick={() => setMode('add')}>
                Add assumption test
              </button>
              <button type="button" className="ghost" onClick={() => setMode('edit')}>
                Edit
              </button>
              <DeleteButton what={s.name} path={`/discovery/solutions/${seg(s.name)}`} onDone={reload} />
            </Actions>
          )}
          {mode === 'rice' && (
            <RiceForm
              solution={s}
              teamsAffected={teamsAffected}
              onDone={done}
              onCancel={() => setMode(null)}
            />
          )}
          {mode === 'edit' && (
            <SolutionForm
              opportunity={s.opportunity}
              solution={s}
              onDone={done}
              onCancel={() => setMode(null)}
            />
          )}
          {mode === 'add' && (
            <AssumptionTestForm solution={s.name} onDone={done} onCancel={() => setMode(null)} />
          )}
        </>
      }
    >
      {s.assumptionTests.length > 0 && s.assumptionTests.map((t) => <TestNode key={t.name} test={t} />)}
    </Node>
  );
}

const testTone = (status: string): Tone =>
  status === 'passed' ? 'ok' : status === 'failed' ? 'bad' : status === 'running' ? 'info' : 'muted';

function TestNode({ test: t }: { test: AssumptionTest }) {
  const { canWrite, reload } = useTree();
  const [editing, setEditing] = useState(false);
  return (
    <Node
      nodeKey={`test:${t.name}`}
      kind="assumption test"
      tone="muted"
      title={t.assumption}
      name={t.name}
      meta={
        <>
          <Badge tone={testTone(t.status)}>{t.status}</Badge> <span className="muted">{t.kind}</span>
        </>
      }
      body={
        <>
          <div className="ost-test">
            {t.method && (
              <div>
                <span className="muted">Method:</span> {t.method}
              </div>
            )}
            {t.successCriterion && (
              <div>
                <span className="muted">Passes when:</span> {t.successCriterion}
              </div>
            )}
            {t.result && (
              <div>
                <span className="muted">Result:</span> {t.result}
              </div>
            )}
          </div>
          {canWrite && !editing && (
            <Actions>
              <button type="button" className="ghost" onClick={() => setEditing(true)}>
                Edit
              </button>
              <DeleteButton
                what={t.name}
                path={`/discovery/assumption-tests/${seg(t.name)}`}
                onDone={reload}
              />
            </Actions>
          )}
          {editing && (
            <AssumptionTestForm
              solution={t.solution}
              test={t}
              onDone={() => {
                setEditing(false);
                reload();
              }}
              onCancel={() => setEditing(false)}
            />
          )}
        </>
      }
    />
  );
}

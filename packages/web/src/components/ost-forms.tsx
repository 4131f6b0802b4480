/**
 * Inline forms of the opportunity-solution tree: create and edit each node kind, and delete with a
 * second click. Each form calls `onDone` after the API accepted the change so the tree reloads.
 */
import type { AssumptionTest, Outcome, TreeOpportunity, TreeSolution } from '@headroom/core/api/discovery';
import { type FormEvent, useState } from 'react';
import { del, patch, post, seg } from '../api/client';
import { useAction } from '../api/hooks';
import { ProblemBox } from './ui';

/** "Checkout pages at night" → "checkout-pages-at-night" (a valid DiscoveryName). */
export function slugify(title: string): string {
  return title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
}

const list = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
const orNull = (text: string) => (text.trim() === '' ? null : text.trim());

/** Name field that follows the title until the user types a name of their own. */
function useName(initialTitle = '') {
  const [title, setTitle] = useState(initialTitle);
  const [name, setName] = useState('');
  const [touched, setTouched] = useState(false);
  const shownName = touched ? name : slugify(title);
  return {
    title,
    setTitle,
    name: shownName,
    setName: (v: string) => {
      setTouched(true);
      setName(v);
    },
  };
}

function FormButtons({
  pending,
  label,
  onCancel,
}: {
  pending: boolean;
  label: string;
  onCancel: () => void;
}) {
  return (
    <div className="row">
      <button type="submit" className="primary" disabled={pending}>
        {pending ? 'Saving…' : label}
      </button>
      <button type="button" className="ghost" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}

export function DeleteButton({ what, path, onDone }: { what: string; path: string; onDone: () => void }) {
  const [armed, setArmed] = useState(false);
  const action = useAction(() => del(path));
  return (
    <>
      {armed ? (
        <>
          <button
            type="button"
            className="danger"
            disabled={action.pending}
            onClick={async () => {
              if (await action.run()) onDone();
            }}
          >
            Confirm delete {what}
          </button>
          <button type="button" className="ghost" onClick={() => setArmed(false)}>
            Keep
          </button>
        </>
      ) : (
        <button type="button" className="ghost" onClick={() => setArmed(true)}>
          Delete
        </button>
      )}
      <ProblemBox error={action.error} />
    </>
  );
}

const MEASURES = [
  ['', 'none (target only)'],
  ['offHoursPagesPerOnCallWeek', 'pages outside working hours per on-call week'],
  ['pagesPerOnCallWeek', 'pages per on-call week'],
  ['incidentsPerMonth', 'incidents per month'],
  ['sev1Sev2IncidentsPerMonth', 'SEV1/SEV2 incidents per month'],
] as const;

export function OutcomeForm({
  outcome,
  onDone,
  onCancel,
}: {
  outcome?: Outcome;
  onDone: (name: string) => void;
  onCancel: () => void;
}) {
  const n = useName(outcome?.title ?? '');
  const [description, setDescription] = useState(outcome?.description ?? '');
  const [metricDescription, setMetricDescription] = useState(outcome?.metric.description ?? '');
  const [target, setTarget] = useState(outcome?.metric.target ?? '');
  const [measure, setMeasure] = useState<string>(outcome?.metric.measure ?? '');
  const [services, setServices] = useState(outcome?.metric.services.join(', ') ?? '');
  const action = useAction(async () => {
    const metric = {
      description: orNull(metricDescription),
      target: orNull(target),
      measure: measure === '' ? null : measure,
      services: list(services),
    };
    const body = { title: n.title.trim(), description: orNull(description), metric };
    if (outcome) await patch(`/discovery/outcomes/${seg(outcome.name)}`, body);
    else await post('/discovery/outcomes', { name: n.name, ...body });
  });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await action.run()) onDone(outcome?.name ?? n.name);
  };
  return (
    <form className="ost-form" onSubmit={submit} aria-label={outcome ? 'Edit outcome' : 'New outcome'}>
      <label>
        Outcome title
        <input required value={n.title} onChange={(e) => n.setTitle(e.target.value)} />
      </label>
      {!outcome && (
        <label>
          Name
          <input required value={n.name} onChange={(e) => n.setName(e.target.value)} />
        </label>
      )}
      <label>
        Target
        <input
          value={target}
          placeholder="pages outside working hours per on-call week ≤ 2"
          onChange={(e) => setTarget(e.target.value)}
        />
      </label>
      <label>
        Measure Headroom computes
        <select value={measure} onChange={(e) => setMeasure(e.target.value)}>
          {MEASURES.map(([v, label]) => (
            <option key={v} value={v}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Measured services (empty = all)
        <input
          value={services}
          placeholder="checkout, search"
          onChange={(e) => setServices(e.target.value)}
        />
      </label>
      <label>
        Metric description
        <input value={metricDescription} onChange={(e) => setMetricDescription(e.target.value)} />
      </label>
      <label className="ost-wide">
        Description
        <textarea rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />
      </label>
      <FormButtons
        pending={action.pending}
        label={outcome ? 'Save outcome' : 'Add outcome'}
        onCancel={onCancel}
      />
      <ProblemBox error={action.error} />
    </form>
  );
}

export function OpportunityForm({
  outcome,
  parent,
  opportunity,
  siblings = [],
  onDone,
  onCancel,
}: {
  outcome: string;
  parent?: string | null;
  opportunity?: TreeOpportunity;
  /** Opportunities of the outcome it may move under (edit only). */
  siblings?: { name: string; title: string }[];
  onDone: (name: string) => void;
  onCancel: () => void;
}) {
  const n = useName(opportunity?.title ?? '');
  const [description, setDescription] = useState(opportunity?.description ?? '');
  const [services, setServices] = useState(opportunity?.services.join(', ') ?? '');
  const [newParent, setNewParent] = useState(opportunity?.parent ?? '');
  const action = useAction(async () => {
    const body = { title: n.title.trim(), description: orNull(description), services: list(services) };
    if (opportunity)
      await patch(`/discovery/opportunities/${seg(opportunity.name)}`, {
        ...body,
        parent: newParent === '' ? null : newParent,
      });
    else await post('/discovery/opportunities', { name: n.name, outcome, parent: parent ?? null, ...body });
  });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await action.run()) onDone(opportunity?.name ?? n.name);
  };
  const label = opportunity ? 'Edit opportunity' : parent ? 'New sub-opportunity' : 'New opportunity';
  return (
    <form className="ost-form" onSubmit={submit} aria-label={label}>
      <label>
        Opportunity title
        <input required value={n.title} onChange={(e) => n.setTitle(e.target.value)} />
      </label>
      {!opportunity && (
        <label>
          Name
          <input required value={n.name} onChange={(e) => n.setName(e.target.value)} />
        </label>
      )}
      <label>
        Services
        <input
          value={services}
          placeholder="checkout, payments"
          onChange={(e) => setServices(e.target.value)}
        />
      </label>
      {opportunity && (
        <label>
          Under
          <select value={newParent} onChange={(e) => setNewParent(e.target.value)}>
            <option value="">the outcome (top level)</option>
            {siblings
              .filter((s) => s.name !== opportunity.name)
              .map((s) => (
                <option key={s.name} value={s.name}>
                  {s.title} ({s.name})
                </option>
              ))}
          </select>
        </label>
      )}
      <label className="ost-wide">
        Description
        <textarea rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />
      </label>
      <FormButtons
        pending={action.pending}
        label={opportunity ? 'Save opportunity' : 'Add opportunity'}
        onCancel={onCancel}
      />
      <ProblemBox error={action.error} />
    </form>
  );
}

const SOLUTION_STATUSES = ['idea', 'building', 'shipped', 'dropped'] as const;

export function SolutionForm({
  opportunity,
  solution,
  onDone,
  onCancel,
}: {
  opportunity: string;
  solution?: TreeSolution;
  onDone: (name: string) => void;
  onCancel: () => void;
}) {
  const n = useName(solution?.title ?? '');
  const [description, setDescription] = useState(solution?.description ?? '');
  const [status, setStatus] = useState<string>(solution?.status ?? 'idea');
  const action = useAction(async () => {
    const body = { title: n.title.trim(), description: orNull(description), status };
    if (solution) await patch(`/discovery/solutions/${seg(solution.name)}`, body);
    else await post('/discovery/solutions', { name: n.name, opportunity, ...body });
  });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await action.run()) onDone(solution?.name ?? n.name);
  };
  return (
    <form className="ost-form" onSubmit={submit} aria-label={solution ? 'Edit solution' : 'New solution'}>
      <label>
        Solution title
        <input required value={n.title} onChange={(e) => n.setTitle(e.target.value)} />
      </label>
      {!solution && (
        <label>
          Name
          <input required value={n.name} onChange={(e) => n.setName(e.target.value)} />
        </label>
      )}
      <label>
        Status
        <select value={status} onChange={(e) => setStatus(e.target.value)}>
          {SOLUTION_STATUSES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </label>
      <label className="ost-wide">
        Description
        <textarea rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />
      </label>
      <FormButtons
        pending={action.pending}
        label={solution ? 'Save solution' : 'Add solution'}
        onCancel={onCancel}
      />
      <ProblemBox error={action.error} />
    </form>
  );
}

const KINDS = ['desirability', 'viability', 'feasibility', 'usability'] as const;
const TEST_STATUSES = ['planned', 'running', 'passed', 'failed'] as const;

export function AssumptionTestForm({
  solution,
  test,
  onDone,
  onCancel,
}: {
  solution: string;
  test?: AssumptionTest;
  onDone: () => void;
  onCancel: () => void;
}) {
  const n = useName(test?.assumption ?? '');
  const [kind, setKind] = useState<string>(test?.kind ?? 'desirability');
  const [method, setMethod] = useState(test?.method ?? '');
  const [criterion, setCriterion] = useState(test?.successCriterion ?? '');
  const [status, setStatus] = useState<string>(test?.status ?? 'planned');
  const [result, setResult] = useState(test?.result ?? '');
  const action = useAction(async () => {
    const body = {
      assumption: n.title.trim(),
      kind,
      method: orNull(method),
      successCriterion: orNull(criterion),
      status,
      result: orNull(result),
    };
    if (test) await patch(`/discovery/assumption-tests/${seg(test.name)}`, body);
    else await post('/discovery/assumption-tests', { name: n.name, solution, ...body });
  });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await action.run()) onDone();
  };
  return (
    <form
      className="ost-form"
      onSubmit={submit}
      aria-label={test ? 'Edit assumption test' : 'New assumption test'}
    >
      <label className="ost-wide">
        Assumption
        <input required value={n.title} onChange={(e) => n.setTitle(e.target.value)} />
      </label>
      {!test && (
        <label>
          Name
          <input required value={n.name} onChange={(e) => n.setName(e.target.value)} />
        </label>
      )}
      <label>
        Kind
        <select value={kind} onChange={(e) => setKind(e.target.value)}>
          {KINDS.map((k) => (
            <option key={k}>{k}</option>
          ))}
        </select>
      </label>
      <label>
        Status
        <select value={status} onChange={(e) => setStatus(e.target.value)}>
          {TEST_STATUSES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </label>
      <label>
        Method
        <input value={method} onChange={(e) => setMethod(e.target.value)} />
      </label>
      <label>
        Success criterion
        <input value={criterion} onChange={(e) => setCriterion(e.target.value)} />
      </label>
      <label className="ost-wide">
        Result
        <textarea rows={2} value={result} onChange={(e) => setResult(e.target.value)} />
      </label>
      <FormButtons pending={action.pending} label={test ? 'Save test' : 'Add test'} onCancel={onCancel} />
      <ProblemBox error={action.error} />
    </form>
  );
}

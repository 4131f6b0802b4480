import type { AlertGroup } from '@headroom/core/api/alert-group';
import { useId, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { useApi } from '../api/hooks';
import { type GroupAlert, GroupCard, isMuted } from '../components/alert-group-card';
import { type Matcher, matchesAll, parseMatchers } from '../components/alert-labels';
import { SilencesCard } from '../components/alert-silences';
import { Async, Empty, PageHeader, ProblemBox } from '../components/ui';
import '../styles/oncall.css';

type StateFilter = 'all' | 'firing' | 'unmuted' | 'muted' | 'resolved';
const STATES: [StateFilter, string][] = [
  ['all', 'All'],
  ['firing', 'Firing'],
  ['unmuted', 'Firing, not muted'],
  ['muted', 'Silenced or inhibited'],
  ['resolved', 'Resolved'],
];

function stateMatches(a: GroupAlert, state: StateFilter): boolean {
  switch (state) {
    case 'all':
      return true;
    case 'firing':
      return a.status === 'firing';
    case 'unmuted':
      return a.status === 'firing' && !isMuted(a);
    case 'muted':
      return a.status === 'firing' && isMuted(a);
    case 'resolved':
      return a.status === 'resolved';
  }
}

export function Alerts() {
  const id = useId();
  const [params, setParams] = useSearchParams();
  const state = (params.get('state') as StateFilter | null) ?? 'all';
  const receiver = params.get('receiver') ?? '';
  const match = params.get('match') ?? '';
  const [matchText, setMatchText] = useState(match);
  // Silences change what is muted: a version bump makes both lists fetch again at once.
  const [version, setVersion] = useState(0);
  const groups = useApi<AlertGroup[]>('/alert-groups', undefined, { refreshMs: 5000 });
  const changed = () => {
    setVersion((v) => v + 1);
    groups.reload();
  };

  const setParam = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value === '' || (key === 'state' && value === 'all')) next.delete(key);
    else next.set(key, value);
    setParams(next, { replace: true });
  };

  let matchers: Matcher[] = [];
  let matchError: Error | undefined;
  try {
    matchers = parseMatchers(match);
  } catch (e) {
    matchError = e as Error;
  }

  const receivers = useMemo(
    () => [...new Set((groups.data ?? []).map((g) => g.receiver ?? ''))].sort(),
    [groups.data],
  );

  const shown = (groups.data ?? [])
    .filter((g) => receiver === '' || (g.receiver ?? '') === receiver)
    .map((g) => ({
      group: g,
      alerts: g.alerts.filter(
        (a) => stateMatches(a, state) && matchesAll({ ...g.groupLabels, ...a.labels }, matchers),
      ),
    }))
    .filter((x) => x.alerts.length > 0)
    // Groups with unmuted firing alerts first, then by age.
    .sort(
      (a, b) =>
        Number(b.group.alerts.some((x) => x.status === 'firing' && !isMuted(x))) -
          Number(a.group.alerts.some((x) => x.status === 'firing' && !isMuted(x))) ||
        a.group.createdAt.localeCompare(b.group.createdAt),
    );
  const firing = (groups.data ?? []).reduce(
    (n, g) => n + g.alerts.filter((a) => a.status === 'firing').length,
    0,
  );

  return (
    <>
      <PageHeader title="Alerts">
        <span className="muted">
          Alerts grouped as routed, with when each group is notified next and why. {firing} firing in{' '}
          {groups.data?.length ?? 0} groups; refreshes every 5 s.
        </span>
      </PageHeader>
      <form
        className="card alert-filters"
        onSubmit={(e) => {
          e.preventDefault();
          setParam('match', matchText.trim());
        }}
        aria-label="Filter alerts"
      >
        <label htmlFor={`${id}-state`}>
          State
          <select id={`${id}-state`} value={state} onChange={(e) => setParam('state', e.target.value)}>
            {STATES.map(([v, label]) => (
              <option key={v} value={v}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label htmlFor={`${id}-receiver`}>
          Receiver
          <select
            id={`${id}-receiver`}
            value={receiver}
            onChange={(e) => setParam('receiver', e.target.value)}
          >
            <option value="">Any</option>
            {receivers
              .filter((r) => r !== '')
              .map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
          </select>
        </label>
        <label htmlFor={`${id}-match`} className="grow">
          Label matchers
          <input
            id={`${id}-match`}
            value={matchText}
            onChange={(e) => setMatchText(e.target.value)}
            placeholder='service="checkout", severity=~"critical|page"'
          />
        </label>
        <button type="submit">Filter</button>
        {(match || receiver || state !== 'all') && (
          <button
            type="button"
            className="ghost"
            onClick={() => {
              setMatchText('');
              setParams(new URLSearchParams(), { replace: true });
            }}
          >
            Clear
          </button>
        )}
      </form>
      <ProblemBox error={matchError} />
      <Async state={groups}>
        {(data) =>
          shown.length === 0 ? (
            <Empty>
              {data.length === 0
                ? 'No alert groups: nothing is firing or recently resolved.'
                : 'No alerts match the filters.'}
            </Empty>
          ) : (
            <div className="stack">
              {shown.map(({ group, alerts }) => (
                <GroupCard key={group.id} group={group} alerts={alerts} onChange={changed} />
              ))}
            </div>
          )
        }
      </Async>
      <SilencesCard version={version} onChange={changed} />
    </>
  );
}

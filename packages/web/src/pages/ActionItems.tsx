import type { Team } from '@headroom/core/api/catalog';
import type { ActionItem } from '@headroom/core/api/incident';
import { useSearchParams } from 'react-router';
import { useApi } from '../api/hooks';
import { useCanWrite } from '../auth';
import { ActionItemsTable } from '../components/incident-action-items';
import { ITEM_STATUSES } from '../components/incident-common';
import { Async, Card, PageHeader } from '../components/ui';
import '../styles/incident.css';

export function ActionItems() {
  const canWrite = useCanWrite();
  const [params, setParams] = useSearchParams();
  const team = params.get('team') ?? '';
  const status = params.get('status') ?? '';
  const overdue = params.get('overdue') === 'true';
  const items = useApi<ActionItem[]>(
    '/action-items',
    { team: team || undefined, status: status || undefined, overdue: overdue ? true : undefined },
    { refreshMs: 30_000 },
  );
  const teams = useApi<Team[]>('/teams');
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value === '') next.delete(key);
    else next.set(key, value);
    setParams(next, { replace: true });
  };
  const list = items.data ?? [];
  const open = list.filter((i) => i.status === 'open' || i.status === 'in-progress').length;
  const late = list.filter((i) => i.overdue).length;
  return (
    <>
      <PageHeader title="Action items">
        <p className="hint">
          Follow-up from incidents and their postmortems. Add them on an incident's page or its postmortem.
        </p>
      </PageHeader>
      <Card>
        <form
          className="inline-form inc-filters"
          aria-label="Filter action items"
          onSubmit={(e) => e.preventDefault()}
        >
          <label>
            Team
            <select value={team} onChange={(e) => set('team', e.target.value)}>
              <option value="">any</option>
              {(teams.data ?? []).map((t) => (
                <option key={t.name} value={t.name}>
                  {t.title ?? t.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Status
            <select value={status} onChange={(e) => set('status', e.target.value)}>
              <option value="">any</option>
              {ITEM_STATUSES.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </label>
          <label className="inc-check">
            <input
              type="checkbox"
              checked={overdue}
              onChange={(e) => set('overdue', e.target.checked ? 'true' : '')}
            />
            Overdue only
          </label>
          {items.data && (
            <span className="hint">
              {list.length} shown · {open} open · {late} overdue
            </span>
          )}
        </form>
        <Async state={items}>
          {(data) => (
            <ActionItemsTable items={data} canWrite={canWrite} showIncident onChanged={items.reload} />
          )}
        </Async>
      </Card>
    </>
  );
}

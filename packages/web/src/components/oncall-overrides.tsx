/** A schedule's overrides: the list with delete, and the form to put someone on call instead. */
import type { OverrideCreate, ScheduleDetail, ScheduleOverride } from '@headroom/core/api/schedule';
import { type FormEvent, useId, useState } from 'react';
import { del, post, seg } from '../api/client';
import { useAction } from '../api/hooks';
import { useCanWrite } from '../auth';
import { Person } from './oncall-people';
import { Card, Empty, ProblemBox, Time } from './ui';

/** `Date` → the value a datetime-local input shows, in the browser's zone. */
function localInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function OverridesCard({ schedule, onChange }: { schedule: ScheduleDetail; onChange: () => void }) {
  const canWrite = useCanWrite();
  const id = useId();
  const hour = Math.ceil(Date.now() / 3_600_000) * 3_600_000;
  const [user, setUser] = useState('');
  const [start, setStart] = useState(() => localInput(hour));
  const [end, setEnd] = useState(() => localInput(hour + 8 * 3_600_000));
  const path = `/schedules/${seg(schedule.name)}/overrides`;
  const create = useAction(async (body: OverrideCreate) => {
    await post<ScheduleOverride>(path, body);
    setUser('');
    onChange();
  });
  const remove = useAction(async (overrideId: string) => {
    await del(`${path}/${seg(overrideId)}`);
    onChange();
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const s = new Date(start);
    const t = new Date(end);
    if (Number.isNaN(s.getTime()) || Number.isNaN(t.getTime())) return;
    void create.run({ user: user.trim(), start: s.toISOString(), end: t.toISOString() });
  };
  const people = [...new Set(schedule.layers.flatMap((l) => l.users))].sort();
  return (
    <Card title="Overrides">
      <ProblemBox error={remove.error} />
      {schedule.overrides.length === 0 ? (
        <Empty>No current or coming overrides.</Empty>
      ) : (
        <table className="table compact">
          <thead>
            <tr>
              <th>On call</th>
              <th>From</th>
              <th>To</th>
              <th>By</th>
              {canWrite && <th />}
            </tr>
          </thead>
          <tbody>
            {schedule.overrides.map((o) => (
              <tr key={o.id}>
                <td>
                  <Person name={o.user} />
                </td>
                <td>
                  <Time at={o.start} absolute />
                </td>
                <td>
                  <Time at={o.end} absolute />
                </td>
                <td>{o.createdBy}</td>
                {canWrite && (
                  <td>
                    <button
                      type="button"
                      className="danger"
                      disabled={remove.pending}
                      onClick={() => void remove.run(o.id)}
                      aria-label={`Delete the override for ${o.user}`}
                    >
                      Delete
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canWrite && (
        <form className="stack" onSubmit={submit} style={{ marginTop: 10 }} aria-label="Add an override">
          <h3 style={{ margin: 0 }}>Add an override</h3>
          <div className="inline-form">
            <label htmlFor={`${id}-u`}>
              Who
              <input
                id={`${id}-u`}
                list={`${id}-people`}
                value={user}
                onChange={(e) => setUser(e.target.value)}
                required
                size={12}
              />
              <datalist id={`${id}-people`}>
                {people.map((p) => (
                  <option key={p} value={p} />
                ))}
              </datalist>
            </label>
            <label htmlFor={`${id}-s`}>
              From (your time)
              <input
                id={`${id}-s`}
                type="datetime-local"
                value={start}
                onChange={(e) => setStart(e.target.value)}
                required
              />
            </label>
            <label htmlFor={`${id}-e`}>
              To
              <input
                id={`${id}-e`}
                type="datetime-local"
                value={end}
                onChange={(e) => setEnd(e.target.value)}
                required
              />
            </label>
            <button type="submit" className="primary" disabled={create.pending}>
              {create.pending ? 'Adding…' : 'Add override'}
            </button>
          </div>
          <ProblemBox error={create.error} />
        </form>
      )}
    </Card>
  );
}

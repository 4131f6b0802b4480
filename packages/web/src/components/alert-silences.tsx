/** Silences: the list with expire actions, and the create form (also used prefilled from a group). */
import type { Silence, SilenceCreate } from '@headroom/core/api/routing';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { post, seg } from '../api/client';
import { useAction, useApi } from '../api/hooks';
import { useCanWrite } from '../auth';
import { Badge, Card, Empty, ProblemBox, Time, type Tone } from './ui';

const stateTone: Record<string, Tone> = { active: 'warn', pending: 'info', expired: 'muted' };

export function SilenceForm({
  initialMatchers = [],
  initialComment = '',
  onDone,
  onCancel,
}: {
  initialMatchers?: string[];
  initialComment?: string;
  onDone: (silence: Silence) => void;
  onCancel?: () => void;
}) {
  const id = useId();
  const [matchers, setMatchers] = useState(initialMatchers.join('\n'));
  const [duration, setDuration] = useState('2h');
  const [comment, setComment] = useState(initialComment);
  const create = useAction(async (body: SilenceCreate) => {
    const silence = await post<Silence>('/silences', body);
    onDone(silence);
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const list = matchers
      .split('\n')
      .map((m) => m.trim())
      .filter((m) => m !== '');
    void create.run({ matchers: list, duration: duration.trim(), comment: comment.trim() });
  };
  return (
    <form className="stack" onSubmit={submit} aria-label="Create a silence">
      <label htmlFor={`${id}-m`}>
        Matchers, one per line
        <textarea
          id={`${id}-m`}
          value={matchers}
          onChange={(e) => setMatchers(e.target.value)}
          rows={Math.max(3, initialMatchers.length + 1)}
          style={{ minHeight: 0 }}
          placeholder={'service="checkout"\nseverity=~"critical|page"'}
          required
        />
        <span className="hint">Alertmanager syntax: =, !=, =~, !~</span>
      </label>
      <div className="inline-form">
        <label htmlFor={`${id}-d`}>
          Duration
          <input
            id={`${id}-d`}
            value={duration}
            onChange={(e) => setDuration(e.target.value)}
            size={8}
            required
            placeholder="2h"
          />
        </label>
        <label htmlFor={`${id}-c`} style={{ flex: 1, minWidth: 220 }}>
          Comment
          <input
            id={`${id}-c`}
            value={comment}
            onChange={(e) => setComment(e.target.value)}
            required
            placeholder="Why, and a ticket link"
          />
        </label>
        <button type="submit" className="primary" disabled={create.pending}>
          {create.pending ? 'Silencing…' : 'Create silence'}
        </button>
        {onCancel && (
          <button type="button" className="ghost" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
      <ProblemBox error={create.error} />
    </form>
  );
}

/** Every silence with its state; active and pending ones can be expired. */
export function SilencesCard({ version, onChange }: { version?: number; onChange?: () => void }) {
  const canWrite = useCanWrite();
  const [show, setShow] = useState<'current' | 'expired'>('current');
  const [creating, setCreating] = useState(false);
  const silences = useApi<Silence[]>('/silences', undefined, { refreshMs: 10_000 });
  const { reload } = silences;
  // A silence made elsewhere on the page (a group's shortcut): show it now.
  useEffect(() => {
    if (version) reload();
  }, [version, reload]);
  const expire = useAction(async (id: string) => {
    await post(`/silences/${seg(id)}/expire`);
    silences.reload();
    onChange?.();
  });
  const list = (silences.data ?? []).filter((s) =>
    show === 'current' ? s.status.state !== 'expired' : s.status.state === 'expired',
  );
  return (
    <Card
      title="Silences"
      actions={
        <>
          <div className="tabs" role="tablist" aria-label="Silence state">
            {(['current', 'expired'] as const).map((s) => (
              <button key={s} type="button" role="tab" aria-selected={show === s} onClick={() => setShow(s)}>
                {s === 'current' ? 'Active and pending' : 'Expired'}
              </button>
            ))}
          </div>
          {canWrite && !creating && (
            <button type="button" onClick={() => setCreating(true)}>
              New silence
            </button>
          )}
        </>
      }
    >
      {creating && (
        <div className="inline-panel">
          <SilenceForm
            onDone={() => {
              setCreating(false);
              silences.reload();
              onChange?.();
            }}
            onCancel={() => setCreating(false)}
          />
        </div>
      )}
      <ProblemBox error={silences.error ?? expire.error} />
      {silences.data && list.length === 0 && (
        <Empty>{show === 'current' ? 'No active or pending silences.' : 'No expired silences.'}</Empty>
      )}
      {list.length > 0 && (
        <table className="table compact">
          <thead>
            <tr>
              <th>State</th>
              <th>Matchers</th>
              <th>Starts</th>
              <th>Ends</th>
              <th>By</th>
              <th>Comment</th>
              {canWrite && show === 'current' && <th />}
            </tr>
          </thead>
          <tbody>
            {list.map((s) => (
              <tr key={s.id}>
                <td>
                  <Badge tone={stateTone[s.status.state]}>{s.status.state}</Badge>
                  {s.source === 'apply' && (
                    <div className="hint" title="Managed as code by a Silence document">
                      {s.name}
                    </div>
                  )}
                </td>
                <td>
                  <span className="label-chips">
                    {s.matchers.map((m) => (
                      <code key={m} className="label-chip">
                        {m}
                      </code>
                    ))}
                  </span>
                </td>
                <td>
                  <Time at={s.startsAt} />
                </td>
                <td>
                  <Time at={s.endsAt} />
                </td>
                <td>{s.createdBy}</td>
                <td>{s.comment}</td>
                {canWrite && show === 'current' && (
                  <td>
                    <button
                      type="button"
                      className="danger"
                      disabled={expire.pending}
                      onClick={() => void expire.run(s.id)}
                      aria-label={`Expire silence ${s.matchers.join(', ')}`}
                    >
                      Expire
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}

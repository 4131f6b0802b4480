/** Outbox deliveries: a dense table with each delivery's attempts on demand and a retry action. */
import type { Notification, NotificationDetail } from '@headroom/core/api/notification';
import { Fragment, useState } from 'react';
import { Link } from 'react-router';
import { post, seg } from '../api/client';
import { useAction, useApi } from '../api/hooks';
import { useCanWrite } from '../auth';
import { formatDuration } from '../format';
import { Async, Badge, ProblemBox, Time, type Tone } from './ui';

export const deliveryTone: Record<string, Tone> = {
  pending: 'info',
  sending: 'warn',
  delivered: 'ok',
  dead: 'bad',
};

/** Where a notification came from, read from its producer's idempotency key. */
export function producerOf(key: string): { label: string; to?: string } {
  const [kind, id] = key.split(':');
  if (kind === 'alert-group' && id) return { label: 'alert group', to: `/alerts/groups/${seg(id)}` };
  if (kind === 'page' && id) return { label: 'page' };
  if (kind === 'test') return { label: 'channel test' };
  if (kind === 'incident' && id) return { label: 'incident' };
  return { label: kind ?? key };
}

export function NotificationsTable({ items, onChange }: { items: Notification[]; onChange: () => void }) {
  const canWrite = useCanWrite();
  const [open, setOpen] = useState<string | null>(null);
  const retry = useAction(async (id: string) => {
    await post(`/notifications/${seg(id)}/retry`);
    onChange();
  });
  return (
    <>
      <ProblemBox error={retry.error} />
      <table className="table compact">
        <thead>
          <tr>
            <th>Created</th>
            <th>Channel</th>
            <th>Message</th>
            <th>Status</th>
            <th className="num">Attempts</th>
            <th>Last error</th>
            <th>Next attempt</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {items.map((n) => {
            const producer = producerOf(n.idempotencyKey);
            return (
              <Fragment key={n.id}>
                <tr>
                  <td>
                    <Time at={n.createdAt} />
                  </td>
                  <td>
                    <Link to={`/notifications?channel=${encodeURIComponent(n.channel)}`}>{n.channel}</Link>
                  </td>
                  <td>
                    <Badge tone={n.message.status === 'firing' ? 'bad' : 'ok'}>{n.message.status}</Badge>{' '}
                    {n.message.title}
                    <div className="hint">
                      {n.message.severity} ·{' '}
                      {producer.to ? <Link to={producer.to}>{producer.label}</Link> : producer.label}
                    </div>
                  </td>
                  <td>
                    <Badge tone={deliveryTone[n.status]}>{n.status}</Badge>
                    {n.deliveredAt && (
                      <div className="hint">
                        <Time at={n.deliveredAt} />
                      </div>
                    )}
                  </td>
                  <td className="num">{n.attempts}</td>
                  <td className={n.lastError ? 'bad-text' : undefined}>{n.lastError ?? '—'}</td>
                  <td>
                    <Time at={n.nextAttemptAt} />
                  </td>
                  <td>
                    <div className="actions" style={{ flexWrap: 'nowrap' }}>
                      <button
                        type="button"
                        className="ghost"
                        aria-expanded={open === n.id}
                        onClick={() => setOpen(open === n.id ? null : n.id)}
                      >
                        {open === n.id ? 'Hide' : 'Attempts'}
                      </button>
                      {canWrite && n.status === 'dead' && (
                        <button
                          type="button"
                          disabled={retry.pending}
                          onClick={() => void retry.run(n.id)}
                          title="Gave up: try again from the first attempt"
                        >
                          Retry
                        </button>
                      )}
                    </div>
                  </td>
                </tr>
                {open === n.id && (
                  <tr>
                    <td colSpan={8}>
                      <Attempts id={n.id} />
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </>
  );
}

function Attempts({ id }: { id: string }) {
  const detail = useApi<NotificationDetail>(`/notifications/${seg(id)}`, undefined, { refreshMs: 5000 });
  return (
    <Async state={detail}>
      {(d) => (
        <div className="stack" style={{ gap: 6 }}>
          {d.attemptHistory.length === 0 ? (
            <span className="muted">No attempt yet.</span>
          ) : (
            <table className="table compact">
              <thead>
                <tr>
                  <th className="num">#</th>
                  <th>Started</th>
                  <th>Outcome</th>
                  <th className="num">Status code</th>
                  <th className="num">Took</th>
                  <th>Error</th>
                </tr>
              </thead>
              <tbody>
                {d.attemptHistory.map((a) => (
                  <tr key={a.attempt}>
                    <td className="num">{a.attempt}</td>
                    <td>
                      <Time at={a.startedAt} absolute />
                    </td>
                    <td>
                      <Badge
                        tone={a.outcome === 'delivered' ? 'ok' : a.outcome === 'sending' ? 'info' : 'bad'}
                      >
                        {a.outcome}
                      </Badge>
                    </td>
                    <td className="num">{a.statusCode ?? '—'}</td>
                    <td className="num">
                      {a.durationMs === null
                        ? '—'
                        : a.durationMs < 1000
                          ? `${a.durationMs} ms`
                          : formatDuration(a.durationMs)}
                    </td>
                    <td>{a.error ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <div className="hint">
            Idempotency key <code>{d.idempotencyKey}</code> · id <code>{d.id}</code>
          </div>
          {d.message.text && <pre style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{d.message.text}</pre>}
        </div>
      )}
    </Async>
  );
}

import type { ChannelTestResult, Notification, NotificationChannel } from '@headroom/core/api/notification';
import { useId, useState } from 'react';
import { useSearchParams } from 'react-router';
import { post, seg } from '../api/client';
import { useAction, useApi } from '../api/hooks';
import { useCanWrite } from '../auth';
import { NotificationsTable } from '../components/oncall-notifications';
import { Async, Badge, Card, Empty, PageHeader, ProblemBox } from '../components/ui';
import '../styles/oncall.css';

const PAGE = 100;
const STATUSES = ['pending', 'sending', 'delivered', 'dead'] as const;

export function Notifications() {
  const id = useId();
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? '';
  const channel = params.get('channel') ?? '';
  const cursor = params.get('cursor') ?? '';
  const list = useApi<Notification[]>(
    '/notifications',
    { status, channel, cursor, limit: PAGE },
    { refreshMs: cursor ? undefined : 5000 },
  );
  const channels = useApi<NotificationChannel[]>('/channels');
  const setParam = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value === '') next.delete(key);
    else next.set(key, value);
    if (key !== 'cursor') next.delete('cursor');
    setParams(next, { replace: key !== 'cursor' });
  };
  const last = list.data?.[list.data.length - 1];
  return (
    <>
      <PageHeader title="Notifications">
        <span className="muted">
          The durable outbox: every message to a channel, its delivery attempts and what failed. Newest first.
        </span>
      </PageHeader>
      <Card
        title="Deliveries"
        actions={
          <div className="alert-filters">
            <label htmlFor={`${id}-status`}>
              Status
              <select id={`${id}-status`} value={status} onChange={(e) => setParam('status', e.target.value)}>
                <option value="">Any</option>
                {STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </select>
            </label>
            <label htmlFor={`${id}-channel`}>
              Channel
              <select
                id={`${id}-channel`}
                value={channel}
                onChange={(e) => setParam('channel', e.target.value)}
              >
                <option value="">Any</option>
                {(channels.data ?? []).map((c) => (
                  <option key={c.name} value={c.name}>
                    {c.name}
                  </option>
                ))}
                {channel && !channels.data?.some((c) => c.name === channel) && (
                  <option value={channel}>{channel}</option>
                )}
              </select>
            </label>
          </div>
        }
      >
        <Async state={list}>
          {(items) =>
            items.length === 0 ? (
              <Empty>No notifications{status || channel ? ' match the filters' : ' yet'}.</Empty>
            ) : (
              <NotificationsTable items={items} onChange={list.reload} />
            )
          }
        </Async>
        <div className="row" style={{ marginTop: 8 }}>
          {cursor && (
            <button type="button" onClick={() => setParam('cursor', '')}>
              Newest
            </button>
          )}
          {last && list.data?.length === PAGE && (
            <button type="button" onClick={() => setParam('cursor', last.id)}>
              Older
            </button>
          )}
        </div>
      </Card>
      <ChannelsCard channels={channels} />
    </>
  );
}

function ChannelsCard({
  channels,
}: {
  channels: { data: NotificationChannel[] | undefined; error: Error | undefined; loading: boolean };
}) {
  const canWrite = useCanWrite();
  const [sent, setSent] = useState<Record<string, string>>({});
  const test = useAction(async (name: string) => {
    const result = await post<ChannelTestResult>(`/channels/${seg(name)}/test`);
    setSent((s) => ({ ...s, [name]: result.notification }));
  });
  return (
    <Card title="Channels">
      <ProblemBox error={test.error} />
      <Async state={channels}>
        {(list) =>
          list.length === 0 ? (
            <Empty>No channels. Apply a NotificationChannel document to add one.</Empty>
          ) : (
            <table className="table compact">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Type</th>
                  <th>Target</th>
                  <th>Owner</th>
                  <th>Secrets set</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {list.map((c) => (
                  <tr key={c.name}>
                    <td>
                      <strong>{c.displayName ?? c.name}</strong>
                      {c.displayName && <div className="hint">{c.name}</div>}
                    </td>
                    <td>
                      <Badge tone="info">{c.type}</Badge>
                    </td>
                    <td>
                      <code>{c.target}</code>
                    </td>
                    <td>{c.owner ?? <span className="muted">admins</span>}</td>
                    <td>
                      {c.secrets.length > 0 ? c.secrets.join(', ') : <span className="muted">none</span>}
                    </td>
                    <td>
                      <div className="actions">
                        {canWrite && (
                          <button type="button" disabled={test.pending} onClick={() => void test.run(c.name)}>
                            Send test
                          </button>
                        )}
                        {sent[c.name] && <span className="ok-text">Queued — see Deliveries</span>}
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Async>
    </Card>
  );
}

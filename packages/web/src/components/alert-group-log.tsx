/** An alert group's page and its log: started, each step notified, acknowledged, resolved… */
import type { AlertGroupLog } from '@headroom/core/api/paging';
import { useEffect } from 'react';
import { seg } from '../api/client';
import { useApi } from '../api/hooks';
import { pageTone } from './alert-group-card';
import { Async, Badge, Card, Empty, Facts, Time } from './ui';

export function GroupLogCard({ groupId, version }: { groupId: string; version: string }) {
  const log = useApi<AlertGroupLog>(`/alert-groups/${seg(groupId)}/log`, undefined, { refreshMs: 10_000 });
  const { reload } = log;
  // The page changed state (acknowledged, resolved): its log has a new entry.
  useEffect(() => {
    if (version) reload();
  }, [version, reload]);
  return (
    <Card title="Page and log">
      <Async state={log}>
        {(l) => (
          <>
            {l.page ? (
              <Facts
                items={[
                  [
                    'Page',
                    <Badge key="s" tone={pageTone[l.page.status]}>
                      {l.page.status}
                    </Badge>,
                  ],
                  ['Policy', l.page.policy],
                  ['Started', <Time key="t" at={l.page.startedAt} />],
                  ['Steps notified', l.page.notificationsSent],
                  ['Next step', <Time key="n" at={l.page.nextAt} />],
                  [
                    'Acknowledged',
                    l.page.acknowledgedAt ? (
                      <span key="a">
                        {l.page.acknowledgedBy} via {l.page.acknowledgedVia}{' '}
                        <Time at={l.page.acknowledgedAt} />
                      </span>
                    ) : (
                      '—'
                    ),
                  ],
                ]}
              />
            ) : (
              <p className="muted">This group has not paged anyone.</p>
            )}
            {l.entries.length === 0 ? (
              <Empty>Nothing logged yet.</Empty>
            ) : (
              <ol className="timeline" style={{ marginTop: 10 }}>
                {l.entries.map((e, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: the log only grows at the end
                  <li key={i}>
                    <div>
                      <Time at={e.at} absolute /> <Badge tone={kindTone(e.kind)}>{e.kind}</Badge>
                    </div>
                    <div>{e.text}</div>
                  </li>
                ))}
              </ol>
            )}
          </>
        )}
      </Async>
    </Card>
  );
}

function kindTone(kind: string) {
  if (kind === 'acknowledged' || kind === 'resolved') return 'ok' as const;
  if (
    kind === 'target-unreachable' ||
    kind === 'exhausted' ||
    kind.endsWith('not-declared') ||
    kind.endsWith('not-started')
  )
    return 'bad' as const;
  if (kind === 'step-notified' || kind === 'page-started') return 'warn' as const;
  return 'info' as const;
}

/** The service page's capacity section: its resources with utilisation and runway. */
import type { CapacityResourceList } from '@headroom/core/api/capacity';
import { Link } from 'react-router';
import { useApi } from '../api/hooks';
import { CrossingDate, formatAmount, LeadTimeBadge, ResourceLink, Utilisation } from './capacity-common';
import { Async, Card, Empty } from './ui';

export function ServiceCapacity({ service }: { service: string }) {
  const list = useApi<CapacityResourceList>('/capacity/resources', { service }, { refreshMs: 60_000 });
  return (
    <Card title="Capacity" actions={<Link to="/capacity">All capacity</Link>}>
      <Async state={list}>
        {({ items }) =>
          items.length === 0 ? (
            <Empty>No capacity resources for this service.</Empty>
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th>Resource</th>
                  <th>Latest / limit</th>
                  <th>Utilisation</th>
                  <th>Safe threshold reached</th>
                  <th>Limit reached</th>
                  <th>Lead time</th>
                </tr>
              </thead>
              <tbody>
                {items.map((r) => (
                  <tr key={r.name}>
                    <td>
                      <ResourceLink name={r.name} title={r.title} />
                    </td>
                    <td>
                      {formatAmount(r.latest?.max, r.unit)} / {formatAmount(r.limit.value, r.unit)}
                    </td>
                    <td>
                      <Utilisation value={r.utilisation} safe={r.safeUtilisation} />
                    </td>
                    {r.runway ? (
                      <>
                        <td>
                          <CrossingDate
                            at={r.runway.threshold.at}
                            early={r.runway.threshold.early}
                            late={r.runway.threshold.late}
                            already={r.runway.alreadyAboveThreshold}
                          />
                        </td>
                        <td>
                          <CrossingDate
                            at={r.runway.limit.at}
                            early={r.runway.limit.early}
                            late={r.runway.limit.late}
                            already={r.runway.alreadyAboveLimit}
                          />
                        </td>
                      </>
                    ) : (
                      <td colSpan={2} className="muted">
                        {r.problem ?? 'No forecast'}
                      </td>
                    )}
                    <td>
                      {r.leadTime}{' '}
                      <LeadTimeBadge inside={r.runway?.insideLeadTime ?? false} leadTime={r.leadTime} />
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

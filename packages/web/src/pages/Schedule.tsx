import type { FinalSchedule, ScheduleDetail, ScheduleLayer } from '@headroom/core/api/schedule';
import { useEffect, useState } from 'react';
import { useParams } from 'react-router';
import { seg } from '../api/client';
import { useApi } from '../api/hooks';
import { FeedCard } from '../components/oncall-feed';
import type { Segment } from '../components/oncall-layers';
import { OverridesCard } from '../components/oncall-overrides';
import { OnCallLine, Person, PersonColors, paletteFor } from '../components/oncall-people';
import { Timeline, type TimelineRow } from '../components/oncall-timeline';
import { Async, Card, Facts, PageHeader, ProblemBox, Time } from '../components/ui';
import { formatDateTime } from '../format';
import '../styles/oncall.css';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export function Schedule() {
  const { name = '' } = useParams();
  const schedule = useApi<ScheduleDetail>(`/schedules/${seg(name)}`, undefined, { refreshMs: 60_000 });
  return (
    <>
      <PageHeader title={schedule.data?.displayName ?? name} crumbs={[{ to: '/oncall', label: 'On-call' }]}>
        {schedule.data?.description && <span className="muted">{schedule.data.description}</span>}
      </PageHeader>
      <Async state={schedule}>
        {(s) => (
          <PersonColors.Provider value={paletteFor(peopleOf(s))}>
            <ScheduleView schedule={s} reload={schedule.reload} />
          </PersonColors.Provider>
        )}
      </Async>
    </>
  );
}

const peopleOf = (s: ScheduleDetail) =>
  [...new Set([...s.layers.flatMap((l) => l.users), ...s.overrides.map((o) => o.user)])].sort();

function ScheduleView({ schedule, reload }: { schedule: ScheduleDetail; reload: () => void }) {
  // The window is fixed while the page is open (the query stays stable); the now-line moves.
  const [range] = useState(() => {
    const hour = Math.floor(Date.now() / HOUR) * HOUR;
    return { from: hour - 7 * DAY, to: hour + 14 * DAY };
  });
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);
  const final = useApi<FinalSchedule>(
    `/schedules/${seg(schedule.name)}/final`,
    { from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString() },
    { refreshMs: 60_000 },
  );
  const changed = () => {
    reload();
    final.reload();
  };
  return (
    <>
      <Card title="Now">
        <Facts
          items={[
            ['On call', <OnCallLine key="o" onCall={schedule.onCall} />],
            ['Time zone', schedule.timeZone],
            ['Owner', schedule.owner ?? '—'],
            ['Layers', schedule.layers.length],
            ['Updated', <Time key="u" at={schedule.updatedAt} />],
          ]}
        />
      </Card>
      <Card title="Timeline: 7 days back, 14 ahead">
        <ProblemBox error={final.error} />
        <ScheduleTimeline schedule={schedule} final={final.data} range={range} now={now} />
      </Card>
      <div className="grid-2">
        <OverridesCard schedule={schedule} onChange={changed} />
        <FeedCard schedule={schedule} onChange={reload} />
      </div>
      <LayersCard layers={schedule.layers} />
      {final.data && <HandoffsCard final={final.data} now={now} />}
    </>
  );
}

function ScheduleTimeline({
  schedule,
  final,
  range,
  now,
}: {
  schedule: ScheduleDetail;
  final: FinalSchedule | undefined;
  range: { from: number; to: number };
  now: number;
}) {
  // The rotation maths (and its Temporal polyfill) loads only with this page.
  const [perLayer, setPerLayer] = useState<Segment[][] | null>(null);
  useEffect(() => {
    let live = true;
    import('../components/oncall-layers')
      .then((m) => {
        if (live) setPerLayer(m.layerSegments(schedule.layers, schedule.timeZone, range.from, range.to));
      })
      .catch(() => {
        if (live) setPerLayer(null);
      });
    return () => {
      live = false;
    };
  }, [schedule, range]);
  const layerRows: TimelineRow[] = schedule.layers.map((l, i) => ({
    key: `layer:${l.name}`,
    label: (
      <span title={`Layer ${i + 1}: ${l.users.join(', ')} every ${l.shiftLength}`}>
        {l.name} <span className="muted">L{i + 1}</span>
      </span>
    ),
    segments: perLayer?.[i] ?? [],
  }));
  const overrideRow: TimelineRow = {
    key: 'overrides',
    label: 'Overrides',
    segments: schedule.overrides.map((o) => ({
      start: Date.parse(o.start),
      end: Date.parse(o.end),
      user: o.user,
      override: true,
      note: `override by ${o.createdBy}`,
    })),
  };
  const finalRow: TimelineRow = {
    key: 'final',
    final: true,
    label: <strong>Final schedule</strong>,
    segments: (final?.entries ?? []).map((e) => ({
      start: Date.parse(e.start),
      end: Date.parse(e.end),
      user: e.user,
      override: e.source === 'override',
      note: e.source === 'override' ? 'override' : e.layer ? `layer ${e.layer}` : 'nobody on call',
    })),
  };
  const people = peopleOf(schedule);
  const color = paletteFor(people);
  return (
    <>
      <Timeline
        from={range.from}
        to={range.to}
        now={now}
        timeZone={schedule.timeZone}
        color={color}
        rows={[...layerRows.slice().reverse(), overrideRow, finalRow]}
      />
      <div className="tl-legend">
        {people.map((p) => (
          <Person key={p} name={p} color={color} />
        ))}
        <span className="muted">Higher layers are drawn on top and win; overrides beat every layer.</span>
      </div>
    </>
  );
}

function LayersCard({ layers }: { layers: ScheduleLayer[] }) {
  return (
    <Card title="Layers (lowest first; a later layer wins)">
      <table className="table compact">
        <thead>
          <tr>
            <th>Layer</th>
            <th>Rotation</th>
            <th>Shift</th>
            <th>Hand-off</th>
            <th>From</th>
            <th>Until</th>
            <th>Restricted to</th>
          </tr>
        </thead>
        <tbody>
          {layers.map((l) => (
            <tr key={l.name}>
              <td>{l.name}</td>
              <td>
                <span className="row">
                  {l.users.map((u, i) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: a name may repeat in a rotation
                    <Person key={i} name={u} />
                  ))}
                </span>
              </td>
              <td>{l.shiftLength}</td>
              <td>
                {l.handoffTime} <span className="muted">{l.timeZone}</span>
              </td>
              <td>{l.start}</td>
              <td>{l.end ?? '—'}</td>
              <td>
                {l.restrictions.length === 0
                  ? 'always'
                  : l.restrictions
                      .map((r) =>
                        r.type === 'daily'
                          ? `${r.days.length ? r.days.join(',') : 'daily'} ${r.from}–${r.to}`
                          : `${r.from} → ${r.to}`,
                      )
                      .join('; ')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}

/** The coming shifts as text: what the timeline shows, readable without colour. */
function HandoffsCard({ final, now }: { final: FinalSchedule; now: number }) {
  const coming = final.entries.filter((e) => Date.parse(e.end) > now).slice(0, 30);
  return (
    <Card title="Coming shifts">
      <table className="table compact">
        <thead>
          <tr>
            <th>From</th>
            <th>To</th>
            <th>On call</th>
            <th>Why</th>
          </tr>
        </thead>
        <tbody>
          {coming.map((e) => (
            <tr key={e.start}>
              <td>{formatDateTime(e.start)}</td>
              <td>{formatDateTime(e.end)}</td>
              <td>
                <Person name={e.user} />
              </td>
              <td className="muted">
                {e.source === 'override' ? 'override' : e.source === 'layer' ? `layer ${e.layer}` : 'gap'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}

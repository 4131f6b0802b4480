/** A schedule timeline in plain HTML/CSS: rows of coloured shifts over a day axis, with a now-line. */
import type { ReactNode } from 'react';
import { formatDateTime } from '../format';
import { personColor } from './oncall-people';

export interface TimelineSegment {
  start: number;
  end: number;
  user: string | null;
  /** Drawn with an outline (an override). */
  override?: boolean;
  note?: string;
}

export interface TimelineRow {
  key: string;
  label: ReactNode;
  segments: TimelineSegment[];
  final?: boolean;
}

const DAY = 86_400_000;

export function Timeline({
  from,
  to,
  now,
  rows,
  timeZone,
  color = personColor,
}: {
  color?: (name: string) => string;
  from: number;
  to: number;
  now: number;
  rows: TimelineRow[];
  timeZone: string;
}) {
  const span = to - from;
  const pct = (t: number) => `${(((Math.min(Math.max(t, from), to) - from) / span) * 100).toFixed(3)}%`;
  const days = dayStarts(from, to, timeZone);
  const tick = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', timeZone });
  const week = new Intl.DateTimeFormat('en-GB', { weekday: 'short', timeZone });
  const grid = (
    <>
      {days.map((d) => (
        <span
          key={d}
          className={`tl-grid${week.format(d) === 'Mon' ? ' week' : ''}`}
          style={{ left: pct(d) }}
          aria-hidden="true"
        />
      ))}
    </>
  );
  return (
    <div className="tl">
      <div className="tl-inner">
        <div className="tl-axis" aria-hidden="true">
          <div className="tl-label muted">{timeZone}</div>
          <div className="tl-track">
            {days.map((d, i) =>
              i % Math.ceil(days.length / 21) === 0 ? (
                <span key={d} className="tl-tick" style={{ left: pct(d) }}>
                  {tick.format(d)}
                </span>
              ) : null,
            )}
          </div>
        </div>
        {rows.map((row) => (
          <div key={row.key} className={`tl-row${row.final ? ' final' : ''}`}>
            <div className="tl-label">{row.label}</div>
            <div className="tl-track">
              {grid}
              {row.segments
                .filter((s) => s.end > from && s.start < to)
                .map((s) => {
                  const title = `${s.user ?? 'nobody'}: ${formatDateTime(s.start)} – ${formatDateTime(s.end)}${s.note ? ` (${s.note})` : ''}`;
                  return (
                    <span
                      key={`${s.start}:${s.user}`}
                      className={`tl-seg${s.user === null ? ' nobody' : ''}${s.override ? ' override' : ''}`}
                      style={{
                        left: pct(s.start),
                        width: `calc(${pct(s.end)} - ${pct(s.start)})`,
                        background: s.user === null ? undefined : color(s.user),
                      }}
                      title={title}
                    >
                      {s.end - s.start >= span / 40 ? (s.user ?? '') : ''}
                    </span>
                  );
                })}
              {now >= from && now <= to && (
                <span className="tl-now" style={{ left: pct(now) }} aria-hidden="true" />
              )}
            </div>
          </div>
        ))}
        {now >= from && now <= to && (
          <div className="tl-row" aria-hidden="true" style={{ borderBottom: 'none' }}>
            <div />
            <div className="tl-track" style={{ height: 16 }}>
              <span className="tl-now" style={{ left: pct(now), background: 'transparent' }}>
                <span>now</span>
              </span>
            </div>
          </div>
        )}
      </div>
    </div>
  );
}

/** Local midnights in `timeZone` between from and to (found hour by hour, so DST days are right). */
function dayStarts(from: number, to: number, timeZone: string): number[] {
  const hour = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', hourCycle: 'h23', timeZone });
  const out: number[] = [];
  // Start from the whole hour at or before `from`, then step an hour at a time; zones with
  // half-hour offsets still hit local hour 0 once a day.
  const startHour = Math.floor(from / 3_600_000) * 3_600_000;
  let lastDay = -1;
  for (let t = startHour; t <= to; t += 3_600_000) {
    const h = hour.format(t);
    if (h === '00' && t >= from) {
      const day = Math.floor(t / DAY);
      if (day !== lastDay) out.push(t);
      lastDay = day;
    }
  }
  return out;
}

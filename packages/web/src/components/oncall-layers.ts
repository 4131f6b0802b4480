/**
 * Each layer's own rotation for the timeline. The API gives the final schedule (who wins); a
 * layer's row also shows the shifts that a higher layer or an override hides, so they are
 * computed here with core's own rotation maths (the same code the server runs).
 */
import type { ScheduleLayer, ScheduleRestriction } from '@headroom/core/api/schedule';
import { ScheduleCalculator } from '@headroom/core/oncall/final-schedule';
import {
  type Layer,
  type Restriction,
  WEEKDAY_NAMES,
  type Weekday,
  type WeekdayName,
} from '@headroom/core/oncall/model';

export interface Segment {
  start: number;
  end: number;
  user: string | null;
}

const weekday = (name: string): Weekday => (WEEKDAY_NAMES.indexOf(name as WeekdayName) + 1) as Weekday;

function restriction(r: ScheduleRestriction): Restriction {
  if (r.type === 'daily') return { type: 'daily', days: r.days.map(weekday), from: r.from, to: r.to };
  const [fromDay = 'mon', from = '00:00'] = r.from.split(' ');
  const [toDay = 'mon', to = '00:00'] = r.to.split(' ');
  return { type: 'weekly', fromDay: weekday(fromDay), from, toDay: weekday(toDay), to };
}

function layer(l: ScheduleLayer): Layer {
  const m = /^(\d+)([hdw])$/.exec(l.shiftLength);
  return {
    name: l.name,
    users: l.users,
    shiftLength: { count: Number(m?.[1] ?? 1), unit: (m?.[2] ?? 'd') as 'h' | 'd' | 'w' },
    handoffTime: l.handoffTime,
    start: l.start,
    end: l.end,
    timeZone: l.timeZone,
    restrictions: l.restrictions.map(restriction),
  };
}

/** One list of on-call pieces per layer, cut to [from, to). */
export function layerSegments(
  layers: readonly ScheduleLayer[],
  timeZone: string,
  from: number,
  to: number,
): Segment[][] {
  const calc = new ScheduleCalculator({ name: 'view', timeZone, layers: layers.map(layer) });
  return layers.map((_, i) =>
    calc.layerPieces(i, { start: from, end: to }).map((p) => ({ start: p.start, end: p.end, user: p.user })),
  );
}

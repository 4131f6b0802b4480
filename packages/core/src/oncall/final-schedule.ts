/**
 * The final schedule: who is on call, when and why, for any range. Like PagerDuty's final
 * schedule, an override beats every layer (a later override beats an earlier one), a higher layer
 * beats a lower one, and a layer with nobody on call at a moment (outside its restrictions,
 * before its start, after its end) lets the layers below show through. Where nothing covers a
 * moment, the entry has `user: null`, so the entries always partition the range exactly.
 */
import type { EntrySource, FinalEntry, Interval, Override, Schedule } from './model.js';
import { LayerRotation, restrictionWindows } from './rotation.js';

interface Piece {
  start: number;
  end: number;
  user: string;
  source: EntrySource;
}

/** Builds each layer's rotation once; reuse it for many questions about one schedule. */
export class ScheduleCalculator {
  readonly schedule: Schedule;
  readonly rotations: LayerRotation[];

  constructor(schedule: Schedule) {
    this.schedule = schedule;
    this.rotations = schedule.layers.map((l) => new LayerRotation(l));
  }

  /** One layer's on-call pieces in `range` (cut to it): its shifts, inside its restrictions. */
  layerPieces(layerIndex: number, range: Interval): Piece[] {
    const rotation = this.rotations[layerIndex]!;
    const layer = rotation.layer;
    const shifts = rotation.shiftsOverlapping(range);
    const windows =
      layer.restrictions.length > 0 ? restrictionWindows(layer.restrictions, layer.timeZone, range) : null;
    const out: Piece[] = [];
    let w = 0;
    for (const s of shifts) {
      const source: EntrySource = {
        type: 'layer',
        layer: layer.name,
        layerIndex,
        shift: s.index,
        shiftStart: s.start,
        shiftEnd: s.end,
      };
      const start = Math.max(s.start, range.start);
      const end = Math.min(s.end, range.end);
      if (windows === null) {
        out.push({ start, end, user: s.user, source });
        continue;
      }
      while (w < windows.length && windows[w]!.end <= start) w += 1;
      for (let i = w; i < windows.length && windows[i]!.start < end; i++) {
        const a = Math.max(start, windows[i]!.start);
        const b = Math.min(end, windows[i]!.end);
        if (b > a) out.push({ start: a, end: b, user: s.user, source });
      }
    }
    return out;
  }

  /** The final schedule for `range`: entries in order, partitioning it exactly. */
  final(range: Interval, overrides: readonly Override[] = []): FinalEntry[] {
    if (!(range.end > range.start)) return [];
    const layers = this.schedule.layers.map((_, i) => this.layerPieces(i, range));
    const active = overrides
      .map((o, order) => ({ ...o, order }))
      .filter((o) => o.end > range.start && o.start < range.end && o.end > o.start);
    const points = new Set<number>([range.start, range.end]);
    for (const pieces of layers)
      for (const p of pieces) {
        points.add(p.start);
        points.add(p.end);
      }
    for (const o of active) {
      if (o.start > range.start) points.add(o.start);
      if (o.end < range.end) points.add(o.end);
    }
    const sorted = [...points].sort((a, b) => a - b);
    const cursors = layers.map(() => 0);
    const out: FinalEntry[] = [];
    for (let i = 0; i + 1 < sorted.length; i++) {
      const start = sorted[i]!;
      const end = sorted[i + 1]!;
      const entry = this.#winner(start, layers, cursors, active);
      const last = out[out.length - 1];
      if (last && last.end === start && sameSource(last, entry)) last.end = end;
      else out.push({ start, end, ...entry });
    }
    return out;
  }

  #winner(
    t: number,
    layers: Piece[][],
    cursors: number[],
    overrides: readonly (Override & { order: number })[],
  ): Pick<FinalEntry, 'user' | 'source'> {
    let best: (Override & { order: number }) | null = null;
    for (const o of overrides) if (o.start <= t && t < o.end && (!best || o.order > best.order)) best = o;
    if (best) return { user: best.user, source: { type: 'override', id: best.id } };
    let found: Piece | null = null;
    // Every cursor moves forward, so a whole range costs one pass over each layer's pieces.
    for (let l = 0; l < layers.length; l++) {
      const pieces = layers[l]!;
      let c = cursors[l]!;
      while (c < pieces.length && pieces[c]!.end <= t) c += 1;
      cursors[l] = c;
      const p = pieces[c];
      if (p && p.start <= t) found = p;
    }
    return found ? { user: found.user, source: found.source } : { user: null, source: { type: 'none' } };
  }

  /** Who is on call at `t` (null = nobody), and why. */
  at(t: number, overrides: readonly Override[] = []): FinalEntry {
    return this.final({ start: t, end: t + 1 }, overrides)[0]!;
  }

  /**
   * The next moment after `t` when the person on call changes (to someone else or to nobody),
   * looking at most `horizonMs` ahead; null when it does not change within it.
   */
  nextHandoff(
    t: number,
    overrides: readonly Override[] = [],
    horizonMs = 400 * 86_400_000,
  ): { at: number; user: string | null } | null {
    const current = this.at(t, overrides).user;
    const step = 14 * 86_400_000;
    for (let from = t; from < t + horizonMs; from += step) {
      const to = Math.min(from + step, t + horizonMs);
      for (const e of this.final({ start: from, end: to }, overrides)) {
        if (e.start > t && e.user !== current) return { at: e.start, user: e.user };
      }
    }
    return null;
  }
}

function sameSource(a: Pick<FinalEntry, 'user' | 'source'>, b: Pick<FinalEntry, 'user' | 'source'>): boolean {
  if (a.user !== b.user || a.source.type !== b.source.type) return false;
  if (a.source.type === 'override') return a.source.id === (b.source as { id: string }).id;
  if (a.source.type === 'layer') {
    const s = b.source as typeof a.source;
    return a.source.layerIndex === s.layerIndex && a.source.shift === s.shift;
  }
  return true;
}

/** The final schedule of `schedule` with `overrides` for `range` (see ScheduleCalculator.final). */
export function finalSchedule(
  schedule: Schedule,
  range: Interval,
  overrides: readonly Override[] = [],
): FinalEntry[] {
  return new ScheduleCalculator(schedule).final(range, overrides);
}

/** Who is on call at `t`: the final-schedule entry holding it. */
export function onCallAt(schedule: Schedule, t: number, overrides: readonly Override[] = []): FinalEntry {
  return new ScheduleCalculator(schedule).at(t, overrides);
}

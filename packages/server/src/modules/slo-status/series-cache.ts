/**
 * The evaluator's memory: every SLO's bucket series, kept between passes and brought up to date
 * from what changed instead of rebuilt from the store each time.
 *
 * Building (first pass, a changed definition, a correction starting or ending): Occurrences
 * series start from the store's hour roll-ups (sli_hours) and read minutes only for the hours
 * where window edges fall, the newest hour, and hours under a correction; timeslice series read
 * their minutes once to form slices. Each pass after that:
 *  - streams written since the last pass (ingest and the poller mark them dirty) are re-read from
 *    the earliest minute written — usually the last minute or two — in statements shared by all
 *    streams that need the same range;
 *  - slices that ended since the last pass are formed again (a slice without data becomes "no
 *    data" once it is over);
 *  - hours that window edges are about to cross get their minutes (an hour ahead), and hours
 *    no edge needs any more drop them, so a series stays at about 25 KB.
 * Every number stays a ratio of sums of stored buckets: the same answer as a rebuild, which the
 * tests check pass after pass.
 */
import { BucketSeries, edgeRanges } from '@headroom/core/slo/bucket-series';
import { EVALUATION_LOOKBACK_MINUTES, type ObjectiveSeries } from '@headroom/core/slo/evaluate';
import { isMasked, type MinuteMask } from '@headroom/core/slo/minute-mask';
import { isComposite, objectiveWeight, type Slo } from '@headroom/core/slo/model';
import type { MinuteRange } from '@headroom/core/slo/time-window';
import { type SliceRule, sliceBuckets, sliceRuleOf } from '@headroom/core/slo/timeslices';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { type BucketRow, readBucketRanges, readBuckets, readHours } from '../sli-data/repo.js';
import { objectiveSeries } from './evaluate.js';
import type { ObjectivePlan } from './streams.js';

/**
 * Minutes ahead for which window edges get their hours' minutes in advance: between one and two
 * hours, fixed per stream, so that the fetches of the next edge hours spread over the hour
 * instead of every SLO fetching in the same pass before the hour turns.
 */
function horizonMinutes(stream: string): number {
  let h = 2166136261;
  for (let i = 0; i < stream.length; i++) h = Math.imul(h ^ stream.charCodeAt(i), 16777619);
  return 60 + ((h >>> 0) % 60);
}

export interface SeriesSpan {
  fromMinute: number;
  toMinute: number;
}

/** Where the window edges of an SLO fall: its length (rolling) or its period start (calendar). */
export interface EdgeSpec {
  rolling: boolean;
  windowMinutes: number;
  windowStartMinute: number;
}

/** One objective's series and what is needed to keep it current. */
export interface CachedPart {
  plan: ObjectivePlan;
  /** Built afresh every pass (threshold and raw SLIs, whose values values.ts reads). */
  volatile?: true;
  stream: string;
  /** Slice length and rule for the timeslice methods; undefined for Occurrences. */
  slices: { minutes: number; anchor: number; rule: SliceRule } | undefined;
  objective: ObjectiveSeries;
}

export interface CachedSlo {
  key: string;
  parts: CachedPart[];
  mask: MinuteMask | undefined;
  /** toMinute of the span after the last pass. */
  toMinute: number;
}

/** A read the pass needs, and what to do with its rows. */
interface Refresh {
  part: CachedPart;
  mask: MinuteMask | undefined;
  /** Whole hours [fromHour, toHour] rebuilt from their minutes, or minutes from `fromMinute` set one by one. */
  kind: 'hours' | 'tail';
  fromHour: number;
  toHour: number;
  /** The rows read: [fromMinute, toMinute). */
  fromMinute: number;
  toMinute: number;
  /** The series' end: slices ending after it are still open. */
  until: number;
}

/** The objective's slice rule, with its grid anchored at the epoch (a calendar SLO moves it). */
function slicesOf(slo: Slo, index: number): CachedPart['slices'] {
  const slices = sliceRuleOf(slo, index);
  return slices && { ...slices, anchor: 0 };
}

/** The minutes whose hours must be held at minute resolution now and over the next one to two hours. */
export function keepRanges(part: CachedPart, edges: EdgeSpec, toMinute: number): MinuteRange[] {
  const nowMinute = toMinute - 1;
  const lengths = edges.rolling
    ? [...EVALUATION_LOOKBACK_MINUTES, edges.windowMinutes]
    : EVALUATION_LOOKBACK_MINUTES;
  const keep = edgeRanges(
    nowMinute,
    lengths,
    horizonMinutes(part.stream),
    edges.rolling ? [] : [edges.windowStartMinute],
  );
  // The slices still open are formed again every pass: keep the minutes of their start hours.
  if (part.slices) keep.push({ from: nowMinute - part.slices.minutes, to: nowMinute + 1 });
  return keep;
}

function columns(rows: readonly BucketRow[]) {
  const minutes = new Float64Array(rows.length);
  const good = new Float64Array(rows.length);
  const total = new Float64Array(rows.length);
  rows.forEach((r, i) => {
    minutes[i] = r.minute;
    good[i] = r.good;
    total[i] = r.total;
  });
  return { minutes, channels: [good, total] as Float64Array[] };
}

/** Slice records of the slices starting in [from, to), from minute rows, as per-minute values. */
function sliceValues(
  part: CachedPart,
  rows: readonly BucketRow[],
  from: number,
  to: number,
  until: number,
  mask?: MinuteMask,
) {
  const s = part.slices!;
  return sliceBuckets(columns(rows), s.rule, {
    sliceMinutes: s.minutes,
    anchorMinute: s.anchor,
    fromMinute: from,
    toMinute: to,
    until,
    ...(mask && { mask }),
  });
}

/** The first slice start at or before `minute`. */
function sliceStartAtOrBefore(part: CachedPart, minute: number): number {
  const s = part.slices!;
  return s.anchor + Math.floor((minute - s.anchor) / s.minutes) * s.minutes;
}

/**
 * Builds the series of every evaluable objective. Objectives of one SLI that form the same
 * series (Occurrences, or the same slice rule) share it: only their targets differ.
 */
export async function buildParts(
  db: Kysely<Database>,
  slo: Slo,
  plans: readonly ObjectivePlan[],
  span: SeriesSpan,
  edges: EdgeSpec,
  mask: MinuteMask | undefined,
  /** When given, the minutes of edge hours are read later, with every other SLO's (applyRefreshes). */
  deferred?: Refresh[],
): Promise<CachedPart[]> {
  const parts: CachedPart[] = [];
  for (const plan of plans) {
    if (!plan.evaluable) continue;
    if (plan.data === 'values') {
      const anchor = edges.rolling ? 0 : edges.windowStartMinute;
      const objective = await objectiveSeries(db, slo, plan.index, plan.stream, span, anchor, mask);
      parts.push({ plan, volatile: true, stream: plan.stream, slices: undefined, objective });
      continue;
    }
    const same = parts.find(
      (p) =>
        p.stream === plan.stream && JSON.stringify(p.slices) === JSON.stringify(slicesOf(slo, plan.index)),
    );
    if (same && !isComposite(slo)) {
      const objective = slo.objectives[plan.index]!;
      parts.push({ ...same, plan, objective: { ...same.objective, objective: objective.target } });
    } else parts.push(await buildPart(db, slo, plan, span, edges, mask, deferred));
  }
  return parts;
}

/** Builds one objective's series from the store. */
export async function buildPart(
  db: Kysely<Database>,
  slo: Slo,
  plan: ObjectivePlan,
  span: SeriesSpan,
  edges: EdgeSpec,
  mask: MinuteMask | undefined,
  deferred?: Refresh[],
): Promise<CachedPart> {
  const slices = slicesOf(slo, plan.index);
  if (slices && !edges.rolling) slices.anchor = edges.windowStartMinute;
  const objective = slo.objectives[plan.index]!;
  const part: CachedPart = {
    plan,
    stream: plan.stream,
    slices,
    objective: {
      series: undefined as unknown as BucketSeries,
      objective: objective.target,
      ...(isComposite(slo) && { weight: objectiveWeight(objective) }),
      ...(slices && { sliceMinutes: slices.minutes }),
    },
  };
  const keep = keepRanges(part, edges, span.toMinute);
  if (slices) {
    const rows = await readBuckets(db, plan.stream, span.fromMinute, span.toMinute);
    const records = sliceValues(part, rows, span.fromMinute, span.toMinute, span.toMinute, mask);
    part.objective.series = BucketSeries.build(records, { ...span, keep, ...(mask && { mask }) });
    return part;
  }
  const hours = await readHours(
    db,
    plan.stream,
    Math.floor(span.fromMinute / 60),
    Math.ceil(span.toMinute / 60),
  );
  const series = BucketSeries.fromHours(
    {
      hours: hours.map((h) => h.hour),
      channels: [hours.map((h) => h.good), hours.map((h) => h.total)],
    },
    span.fromMinute,
    span.toMinute,
  );
  part.objective.series = series;
  // Minutes for edge hours, and for every hour under a correction so that its sum leaves them out.
  const needed: MinuteRange[] = [...keep, { from: span.toMinute - 1, to: span.toMinute }];
  if (mask) needed.push(...mask.ranges.filter((r) => r.to > span.fromMinute && r.from < span.toMinute));
  for (const hour of series.missingHours(needed)) {
    if (deferred) {
      deferred.push(hoursRefresh(part, mask, hour, hour, span.toMinute));
      continue;
    }
    const rows = await readBuckets(db, plan.stream, hour * 60, Math.min(hour * 60 + 60, span.toMinute));
    installHours(part, rows, hour, hour, span.toMinute, mask);
  }
  series.dropBlocks(keep);
  return part;
}

/** Rebuilds whole hours [fromHour, toHour] of a part from minute rows covering them. */
function installHours(
  part: CachedPart,
  rows: readonly BucketRow[],
  fromHour: number,
  toHour: number,
  until: number,
  mask: MinuteMask | undefined,
): void {
  const series = part.objective.series;
  const C = series.channels;
  const perHour = (toHour - fromHour + 1) * 60;
  const values = Array.from({ length: C }, () => new Float64Array(perHour));
  if (part.slices) {
    const records = sliceValues(part, rows, fromHour * 60, Math.min((toHour + 1) * 60, until), until, mask);
    for (let r = 0; r < records.minutes.length; r++) {
      const k = records.minutes[r]! - fromHour * 60;
      for (let c = 0; c < C; c++) values[c]![k] = records.channels[c]![r]!;
    }
  } else {
    for (const row of rows) {
      const k = row.minute - fromHour * 60;
      if (k < 0 || k >= perHour) continue;
      values[0]![k] = row.good;
      values[1]![k] = row.total;
    }
  }
  for (let h = fromHour; h <= toHour; h++) {
    const at = (h - fromHour) * 60;
    series.setHourMinutes(
      h,
      values.map((v) => v.subarray(at, at + 60)),
      mask,
    );
  }
}

/** Sets minutes [fromMinute, until) one by one (their hours hold minutes) from rows covering them. */
function installTail(
  part: CachedPart,
  rows: readonly BucketRow[],
  fromMinute: number,
  until: number,
  mask: MinuteMask | undefined,
): void {
  const series = part.objective.series;
  if (part.slices) {
    const records = sliceValues(part, rows, fromMinute, until, until, mask);
    const byStart = new Map<number, number>();
    for (let r = 0; r < records.minutes.length; r++) byStart.set(records.minutes[r]!, r);
    const values = new Float64Array(series.channels);
    // Every slice start is set — to zeros when the slice has no record (still open, or under a correction).
    for (let start = fromMinute; start < until; start += part.slices.minutes) {
      const r = byStart.get(start);
      for (let c = 0; c < values.length; c++)
        values[c] = r === undefined || (mask && isMasked(mask, start)) ? 0 : records.channels[c]![r]!;
      series.set(start, values);
    }
    return;
  }
  const values = new Float64Array(2);
  let next = 0;
  for (let m = fromMinute; m < until; m++) {
    while (next < rows.length && rows[next]!.minute < m) next++;
    const row = rows[next];
    const has = row !== undefined && row.minute === m && !(mask && isMasked(mask, m));
    values[0] = has ? row.good : 0;
    values[1] = has ? row.total : 0;
    series.set(m, values);
  }
}

/**
 * The reads one cached SLO needs this pass: tails of dirty streams, slices that may have ended,
 * and hours the edges need. Moves the series' span to `span` first.
 */
export function plannedRefreshes(
  entry: CachedSlo,
  span: SeriesSpan,
  edges: EdgeSpec,
  dirty: ReadonlyMap<string, number>,
): Refresh[] {
  const out: Refresh[] = [];
  const seen = new Set<BucketSeries>();
  for (const part of entry.parts) {
    const series = part.objective.series;
    if (seen.has(series)) continue; // objectives on one SLI with one slice rule share a series
    seen.add(series);
    series.extendTo(span.toMinute);
    series.compact(span.fromMinute);
    let from = dirty.get(part.stream);
    // Slices that ended since the last pass may turn into "no data" without any new write.
    if (part.slices) {
      const open = sliceStartAtOrBefore(part, entry.toMinute - 1);
      from = from === undefined ? open : Math.min(from, open);
      from = sliceStartAtOrBefore(part, from);
    }
    if (from !== undefined && from < span.toMinute) {
      from = Math.max(from, series.fromMinute);
      // From the newest hour back, the hours holding minutes take the new minutes one by one;
      // older hours in the range are rebuilt whole from their minutes.
      const lastHour = Math.floor((span.toMinute - 1) / 60);
      let tailHour = lastHour + 1;
      while (tailHour - 1 >= Math.floor(from / 60) && series.canSetMinutes(tailHour - 1)) tailHour--;
      const tailFrom = Math.max(from, tailHour * 60);
      const wholeFrom = Math.floor(from / 60);
      const wholeTo = tailHour - 1;
      if (wholeTo >= wholeFrom) out.push(hoursRefresh(part, entry.mask, wholeFrom, wholeTo, span.toMinute));
      const start = part.slices ? nextSliceStart(part, tailFrom) : tailFrom;
      if (start < span.toMinute)
        out.push({
          part,
          mask: entry.mask,
          kind: 'tail',
          fromHour: 0,
          toHour: 0,
          fromMinute: start,
          toMinute: span.toMinute,
          until: span.toMinute,
        });
    }
    for (const hour of series.missingHours(keepRanges(part, edges, span.toMinute)))
      out.push(hoursRefresh(part, entry.mask, hour, hour, span.toMinute));
  }
  return out;
}

function nextSliceStart(part: CachedPart, minute: number): number {
  const start = sliceStartAtOrBefore(part, minute);
  return start < minute ? start + part.slices!.minutes : start;
}

function hoursRefresh(
  part: CachedPart,
  mask: MinuteMask | undefined,
  fromHour: number,
  toHour: number,
  until: number,
): Refresh {
  // A slice starting in the last hour reads minutes past it.
  const extra = part.slices ? part.slices.minutes : 0;
  return {
    part,
    mask,
    kind: 'hours',
    fromHour,
    toHour,
    fromMinute: fromHour * 60,
    toMinute: Math.min((toHour + 1) * 60 + extra, until),
    until,
  };
}

/** Refreshes per read: bounds the rows held at once (a cold pass asks for every SLO's edge hours). */
const REFRESH_CHUNK = 2_000;

/** Reads what the refreshes need (grouped by range, in chunks) and installs it. */
export async function applyRefreshes(db: Kysely<Database>, refreshes: readonly Refresh[]): Promise<void> {
  // Same ranges side by side, so that a chunk reads them in shared statements.
  const ordered = [...refreshes].sort((a, b) => a.fromMinute - b.fromMinute || a.toMinute - b.toMinute);
  for (let i = 0; i < ordered.length; i += REFRESH_CHUNK) {
    const chunk = ordered.slice(i, i + REFRESH_CHUNK);
    const rows = await readBucketRanges(
      db,
      chunk.map((r) => ({ stream: r.part.stream, fromMinute: r.fromMinute, toMinute: r.toMinute })),
    );
    for (const r of chunk) {
      const all = rows.get(r.part.stream) ?? [];
      const mine = all.filter((row) => row.minute >= r.fromMinute && row.minute < r.toMinute);
      if (r.kind === 'hours') installHours(r.part, mine, r.fromHour, r.toHour, r.until, r.mask);
      else installTail(r.part, mine, r.fromMinute, r.toMinute, r.mask);
    }
  }
}

/** After a pass: hours no edge needs any more give back their minutes. */
export function trimBlocks(entry: CachedSlo, edges: EdgeSpec, toMinute: number): void {
  for (const part of entry.parts) part.objective.series.dropBlocks(keepRanges(part, edges, toMinute));
  entry.toMinute = toMinute;
}

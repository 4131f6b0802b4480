/**
 * Budget corrections for readers: the API's list and detail, and `correctionsFor`, which the SLO
 * evaluator calls to learn which minutes of an SLO's window count neither for nor against its
 * budget (mask them with core's `correctionMask` or `maskFromIntervals`).
 */
import type { BudgetCorrection as CorrectionDto, CorrectionListQuery } from '@headroom/core/api/correction';
import { type BudgetCorrection, toCorrection } from '@headroom/core/config/headroom/budget-correction';
import { NotFoundError } from '@headroom/core/errors';
import { type Correction, correctionIntervals } from '@headroom/core/slo/corrections';
import type { Slo } from '@headroom/core/slo/model';
import type { TimeRange } from '@headroom/core/slo/time-window';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { iso } from '../catalog/refs.js';
import { listResolvedSlos } from '../slos/service.js';
import {
  findCorrection,
  loadCorrections,
  type SelectableSlo,
  type StoredCorrection,
  selects,
} from './repo.js';

/** One correction selecting an SLO, with its occurrences in the range asked for. */
export interface SloCorrection {
  name: string;
  category: BudgetCorrection['category'];
  reason: string;
  /** For core's correctionMask. */
  correction: Correction;
  /** Occurrences overlapping the range, [start, end) epoch ms, in order (not clipped to the range). */
  intervals: TimeRange[];
}

/** The corrections among `corrections` that select `slo`, with their occurrences in `range`. */
export function correctionsSelecting(
  corrections: readonly StoredCorrection[],
  slo: SelectableSlo,
  range: TimeRange,
): SloCorrection[] {
  const out: SloCorrection[] = [];
  for (const c of corrections) {
    const d = c.definition;
    if (!selects(d.selector, slo)) continue;
    const correction = toCorrection(d);
    out.push({
      name: c.name,
      category: d.category,
      reason: d.reason,
      correction,
      intervals: correctionIntervals(correction, range),
    });
  }
  return out;
}

/**
 * Every stored correction selecting the SLO, with its occurrences within `range` (epoch ms),
 * for the evaluator: `correctionMask(result.map((c) => c.correction), range)` or
 * `maskFromIntervals(result.flatMap((c) => c.intervals))`. Corrections without an occurrence in
 * the range are included with no intervals.
 */
export async function correctionsFor(
  db: Kysely<Database>,
  sloName: string,
  slo: Pick<Slo, 'service' | 'labels'>,
  range: TimeRange,
): Promise<SloCorrection[]> {
  const corrections = await loadCorrections(db);
  if (corrections.length === 0) return [];
  return correctionsSelecting(
    corrections,
    { name: sloName, service: slo.service, labels: slo.labels },
    range,
  );
}

const DAY_MS = 86_400_000;

/** The occurrence under way at `now`, else the next within a year; null when none. */
export function occurrenceAt(definition: BudgetCorrection, now: number): CorrectionDto['occurrence'] {
  const correction = toCorrection(definition);
  // Widening steps keep a fine-grained rule (hourly, minutely) to a handful of occurrences.
  for (const days of [1, 31, 366]) {
    const [first] = correctionIntervals(correction, { start: now, end: now + days * DAY_MS });
    if (first) return { start: iso(first.start), end: iso(first.end), active: first.start <= now };
  }
  return null;
}

function view(c: StoredCorrection, selected: string[], now: number): CorrectionDto {
  const d = c.definition;
  return {
    name: c.name,
    displayName: d.displayName,
    selector: d.selector,
    selectedSlos: selected,
    start: d.start,
    timeZone: d.timeZone,
    duration: d.duration,
    rrule: d.rrule,
    until: d.until,
    category: d.category,
    reason: d.reason,
    occurrence: occurrenceAt(d, now),
    createdAt: iso(c.createdAt),
    updatedAt: iso(c.updatedAt),
  };
}

async function selectableSlos(db: Kysely<Database>): Promise<SelectableSlo[]> {
  return (await listResolvedSlos(db)).map((r) => ({
    name: r.name,
    service: r.slo.service,
    labels: r.slo.labels,
  }));
}

const selectedBy = (c: StoredCorrection, slos: SelectableSlo[]) =>
  slos.filter((s) => selects(c.definition.selector, s)).map((s) => s.name);

export async function listCorrections(
  db: Kysely<Database>,
  query: CorrectionListQuery = {},
  now = Date.now(),
): Promise<CorrectionDto[]> {
  const corrections = await loadCorrections(db);
  if (corrections.length === 0) return [];
  const slos = await selectableSlos(db);
  return corrections
    .map((c) => ({ c, selected: selectedBy(c, slos) }))
    .filter(({ selected }) => query.slo === undefined || selected.includes(query.slo))
    .map(({ c, selected }) => view(c, selected, now));
}

export async function getCorrection(
  db: Kysely<Database>,
  name: string,
  now = Date.now(),
): Promise<CorrectionDto> {
  const c = await findCorrection(db, name);
  if (!c) throw new NotFoundError('Budget correction', name);
  return view(c, selectedBy(c, await selectableSlos(db)), now);
}

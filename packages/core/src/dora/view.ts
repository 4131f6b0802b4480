/** The DORA result as the API shows it: seconds, a display string per key, the bands used. */
import type { DoraFigure, DoraFigures, DoraReport } from '../api/deployment.js';
import type { DoraGroupResult, DoraKeyResult, DoraResult } from './four-keys.js';
import { DORA_DEFINITIONS, DORA_KEYS, DORA_NOTES, DORA_SOURCE } from './levels.js';

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** 90 → "1m 30s", 93784 → "1d 2h 3m". */
export function formatSeconds(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  const parts =
    d > 0
      ? [
          [d, 'd'],
          [h, 'h'],
          [m, 'm'],
        ]
      : h > 0
        ? [
            [h, 'h'],
            [m, 'm'],
          ]
        : [
            [m, 'm'],
            [rest, 's'],
          ];
  return parts
    .filter(([n], i) => i === 0 || n !== 0)
    .map(([n, u]) => `${n}${u}`)
    .join(' ');
}

function figure(r: DoraKeyResult): DoraFigure {
  const def = DORA_DEFINITIONS[r.key];
  const seconds = def.unit === 'seconds' && r.value !== null ? r.value / 1000 : null;
  const value = def.unit === 'seconds' ? seconds : r.value;
  let display: string;
  if (value === null) display = 'no data';
  else if (def.unit === 'per-day') display = `${round(value, 3)} per day (${round(value * 7, 2)} per week)`;
  else if (def.unit === 'ratio') display = `${round(value * 100, 1)} % (${r.numerator} of ${r.denominator})`;
  else display = formatSeconds(value);
  return {
    key: r.key,
    name: def.name,
    unit: def.unit,
    value,
    display,
    level: r.level,
    counted: r.counted,
    missing: r.missing,
    ...(r.numerator === undefined ? {} : { numerator: r.numerator }),
    ...(r.denominator === undefined ? {} : { denominator: r.denominator }),
  };
}

export function doraFiguresView(g: DoraGroupResult): DoraFigures {
  return {
    deployments: g.deployments,
    deploymentFrequency: figure(g.deploymentFrequency),
    leadTime: figure(g.leadTime),
    changeFailureRate: figure(g.changeFailureRate),
    recoveryTime: figure(g.recoveryTime),
  };
}

const mapValues = <T, U>(o: Record<string, T>, f: (v: T) => U): Record<string, U> =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));

export function doraReportView(r: DoraResult): DoraReport {
  return {
    period: {
      from: new Date(r.from).toISOString(),
      to: new Date(r.to).toISOString(),
      days: round(r.days, 4),
    },
    environment: r.environment,
    source: { title: DORA_SOURCE.title, url: DORA_SOURCE.url, notes: [...DORA_NOTES] },
    definitions: DORA_KEYS.map((k) => {
      const d = DORA_DEFINITIONS[k];
      return {
        key: d.key,
        name: d.name,
        description: d.description,
        thresholds: d.bands.map((b) => ({ ...b })),
      };
    }),
    overall: doraFiguresView(r.overall),
    byService: mapValues(r.byService, doraFiguresView),
    byTeam: mapValues(r.byTeam, doraFiguresView),
  };
}

/**
 * The 2024 Accelerate State of DevOps Report (DORA, Google Cloud) software delivery performance
 * clusters, turned into bands a measured value can be placed in.
 *
 * The report's clusters are typical values of groups found by cluster analysis, not benchmarks
 * with edges, and in 2024 they are not ordered on every key: the medium cluster's change failure
 * rate (10 %) is lower than the high cluster's (20 %). A level here must only get worse as the
 * value gets worse, so the bands are made contiguous and ordered; `DORA_NOTES` says where that
 * meant interpreting the report.
 */

export type DoraLevelName = 'elite' | 'high' | 'medium' | 'low';
export type DoraKeyName = 'deploymentFrequency' | 'leadTime' | 'changeFailureRate' | 'recoveryTime';
export type DoraUnit = 'per-day' | 'seconds' | 'ratio';

export interface DoraBand {
  level: DoraLevelName;
  /** The report's value for the cluster, as written there. */
  reportValue: string;
  /** The band as applied, for people. */
  rule: string;
  min: number | null;
  includesMin: boolean;
  max: number | null;
  includesMax: boolean;
}

export interface DoraKeyDefinition {
  key: DoraKeyName;
  name: string;
  unit: DoraUnit;
  description: string;
  /** Best level first. */
  bands: DoraBand[];
}

export const DORA_SOURCE = {
  title:
    'Accelerate State of DevOps Report 2024 (DORA, Google Cloud): software delivery performance clusters',
  url: 'https://dora.dev/research/2024/dora-report/',
} as const;

const HOUR = 3600;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
const MONTH = 30 * DAY;

const band = (
  level: DoraLevelName,
  reportValue: string,
  rule: string,
  min: number | null,
  includesMin: boolean,
  max: number | null,
  includesMax: boolean,
): DoraBand => ({ level, reportValue, rule, min, includesMin, max, includesMax });

export const DORA_DEFINITIONS: Record<DoraKeyName, DoraKeyDefinition> = {
  deploymentFrequency: {
    key: 'deploymentFrequency',
    name: 'Deployment frequency',
    unit: 'per-day',
    description:
      'Succeeded deployments to the environment (production by default) that started in the period, ' +
      'divided by the days in the period. Failed and rolled-back deployments are not counted.',
    bands: [
      band('elite', 'On demand (multiple deploys per day)', 'more than 1 per day', 1, false, null, false),
      band('high', 'Between once per day and once per week', '1 per week to 1 per day', 1 / 7, true, 1, true),
      band(
        'medium',
        'Between once per week and once per month',
        '1 per 30 days to under 1 per week',
        1 / 30,
        true,
        1 / 7,
        false,
      ),
      band(
        'low',
        'Between once per month and once every six months',
        'under 1 per 30 days',
        0,
        true,
        1 / 30,
        false,
      ),
    ],
  },
  leadTime: {
    key: 'leadTime',
    name: 'Lead time for changes',
    unit: 'seconds',
    description:
      'Median time from the commit time to the end of the deployment (finishedAt), over the succeeded ' +
      'deployments in the period. Deployments recorded without a commit time are counted as missing.',
    bands: [
      band('elite', 'Less than one day', 'under 1 day', 0, true, DAY, false),
      band('high', 'Between one day and one week', '1 day to 1 week', DAY, true, WEEK, true),
      band('medium', 'Between one week and one month', 'over 1 week to 30 days', WEEK, false, MONTH, true),
      band('low', 'Between one month and six months', 'over 30 days', MONTH, false, null, false),
    ],
  },
  changeFailureRate: {
    key: 'changeFailureRate',
    name: 'Change failure rate',
    unit: 'ratio',
    description:
      'Deployments in the period linked to at least one incident, divided by all deployments in the ' +
      'period (any status). A failed or rolled-back deployment counts as a failure only when linked.',
    bands: [
      band('elite', '5%', '≤ 5 %', 0, true, 0.05, true),
      band('high', '20%', 'over 5 % to 20 %', 0.05, false, 0.2, true),
      band('medium', '10%', 'over 20 % to under 40 %', 0.2, false, 0.4, false),
      band('low', '40%', '40 % or more', 0.4, true, 1, true),
    ],
  },
  recoveryTime: {
    key: 'recoveryTime',
    name: 'Failed deployment recovery time',
    unit: 'seconds',
    description:
      'Median time from impact started (else detected) to resolved, over the incidents linked to the ' +
      'deployments in the period, each incident once. Incidents not resolved yet are counted as missing.',
    bands: [
      band('elite', 'Less than one hour', 'under 1 hour', 0, true, HOUR, false),
      band('high', 'Less than one day', '1 hour to under 1 day', HOUR, true, DAY, false),
      band('medium', 'Between one day and one week', '1 day to 1 week', DAY, true, WEEK, true),
      band('low', 'Between one week and one month', 'over 1 week', WEEK, false, null, false),
    ],
  },
};

export const DORA_KEYS: readonly DoraKeyName[] = [
  'deploymentFrequency',
  'leadTime',
  'changeFailureRate',
  'recoveryTime',
];

export const DORA_NOTES: readonly string[] = [
  'The clusters are typical values of the groups the 2024 survey found, not edges; the bands here run ' +
    'from one cluster value to the next so that a worse value never gets a better level.',
  'Change failure rate: the 2024 medium cluster (10 %) is lower than the high cluster (20 %), so the rate ' +
    'alone cannot tell them apart. Up to 20 % is reported as high (the medium value falls inside it); ' +
    'medium is the gap between the high (20 %) and low (40 %) clusters; 40 % or more is low.',
  'Failed deployment recovery time: medium is one day to one week, as in the 2023 report (summaries of the ' +
    '2024 table differ on the medium value; some give "less than one day", the same as high, which would ' +
    'leave medium no band of its own).',
  'Ranges open at the far end are extended: slower than six months of lead time or rarer than once every ' +
    'six months is still low; a month is 30 days.',
  'Deployment frequency is an average over the period: more than one succeeded deployment per day is ' +
    'elite ("on demand").',
];

export function inBand(value: number, b: DoraBand): boolean {
  if (b.min !== null && (b.includesMin ? value < b.min : value <= b.min)) return false;
  if (b.max !== null && (b.includesMax ? value > b.max : value >= b.max)) return false;
  return true;
}

/** The level a value falls in; null when there is no value. */
export function doraLevel(key: DoraKeyName, value: number | null): DoraLevelName | null {
  if (value === null || !Number.isFinite(value)) return null;
  const bands = DORA_DEFINITIONS[key].bands;
  // The bands cover every value ≥ 0; the last one catches anything past its edge.
  return bands.find((b) => inBand(value, b))?.level ?? bands[bands.length - 1]!.level;
}

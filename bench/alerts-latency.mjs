/**
 * Detection latency of a fast-burning SLO, Headroom beside Prometheus 2.42 + Alertmanager 0.25
 * on the same data at the same time (bench/_alerts-latency.mjs says how it is measured). Runs on
 * the real clock, about 5–8 minutes; everything on 127.0.0.1.
 *
 *   npm run bench -- alerts-latency [--interval 10] [--runs 3] [--error-rate 0.5]
 *                                   [--settle-seconds 240] [--no-default-wait] [--no-prometheus]
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { DEFAULTS, detectionLatency } from './_alerts-latency.mjs';

export async function run(args) {
  const { values } = parseArgs({
    args,
    options: {
      interval: { type: 'string', default: String(DEFAULTS.intervalSeconds) },
      runs: { type: 'string', default: String(DEFAULTS.runs) },
      'error-rate': { type: 'string', default: String(DEFAULTS.errorRate) },
      'settle-seconds': { type: 'string', default: String(DEFAULTS.settleSeconds) },
      'no-default-wait': { type: 'boolean', default: false },
      'no-prometheus': { type: 'boolean', default: false },
    },
  });
  const result = await detectionLatency({
    intervalSeconds: Number(values.interval),
    runs: Number(values.runs),
    errorRate: Number(values['error-rate']),
    settleSeconds: Number(values['settle-seconds']),
    defaultWaitRun: !values['no-default-wait'],
    prometheus: !values['no-prometheus'],
  });
  return {
    benchmark: 'alerts-latency',
    at: new Date().toISOString(),
    machine: {
      node: process.version,
      cpus: os.cpus().length,
      cpu: os.cpus()[0]?.model ?? 'unknown',
      loadAverage1m: Math.round(os.loadavg()[0] * 100) / 100,
    },
    target: 'detection latency ≤ evaluation interval + 2 s',
    ...result,
  };
}

/**
 * The demo organisation's SLI streams and its scripted faults. The streams are those of the SLOs in
 * the repository's `demo/` folder (an SLO's stream is its name unless its source names another).
 */
import type { Fault, StreamSpec } from './traffic.js';

const MINUTE_MS = 60_000;

export const DEMO_SEED = 20240601;

export const DEMO_STREAMS: readonly StreamSpec[] = [
  { stream: 'checkout-availability', kind: 'ratio', peakPerMinute: 1200, badRatio: 0.0003 },
  { stream: 'checkout-latency', kind: 'ratio', peakPerMinute: 1200, badRatio: 0.0012 },
  { stream: 'payments-success', kind: 'ratio', peakPerMinute: 400, badRatio: 0.00012 },
  { stream: 'cart-availability', kind: 'ratio', peakPerMinute: 2500, badRatio: 0.0003 },
  { stream: 'storefront-availability', kind: 'ratio', peakPerMinute: 6000, badRatio: 0.0003 },
  { stream: 'api-gateway-availability', kind: 'ratio', peakPerMinute: 15000, badRatio: 0.0004 },
  { stream: 'auth-login-success', kind: 'ratio', peakPerMinute: 900, badRatio: 0.0002 },
  { stream: 'notifications-delivery', kind: 'ratio', peakPerMinute: 300, badRatio: 0.002 },
  { stream: 'catalog-availability', kind: 'ratio', peakPerMinute: 3000, badRatio: 0.0002 },
  { stream: 'recommendations-latency', kind: 'ratio', peakPerMinute: 4000, badRatio: 0.01 },
  { stream: 'search-latency-p95', kind: 'value', base: 120, loadEffect: 90, noise: 35 },
  { stream: 'inventory-sync-lag', kind: 'value', base: 30, loadEffect: 40, noise: 15 },
];

/** How long the live fault lasts, and how hard it hits: nine requests in ten become slow. */
export const LIVE_FAULT_MS = 15 * MINUTE_MS;
export const LIVE_FAULT_GOOD_RATIO = 0.1;

/** The live demo's fault: checkout latency degrades from `start` for 15 minutes. */
export function liveFault(start: number): Fault {
  return { stream: 'checkout-latency', start, end: start + LIVE_FAULT_MS, goodRatio: LIVE_FAULT_GOOD_RATIO };
}

/** The past incident: 10 days before `firstStart`, at 14:05 UTC, payments errors hurt checkout for 40 min. */
export function pastIncidentWindow(firstStart: number): { start: number; end: number } {
  const day = Math.floor(firstStart / 86_400_000) * 86_400_000 - 10 * 86_400_000;
  const start = day + (14 * 60 + 5) * MINUTE_MS;
  return { start, end: start + 40 * MINUTE_MS };
}

export function pastIncidentFaults(firstStart: number): Fault[] {
  const { start, end } = pastIncidentWindow(firstStart);
  return [
    { stream: 'payments-success', start, end, goodRatio: 0.9 },
    {
      stream: 'checkout-availability',
      start: start + 2 * MINUTE_MS,
      end: end + 2 * MINUTE_MS,
      goodRatio: 0.93,
    },
  ];
}

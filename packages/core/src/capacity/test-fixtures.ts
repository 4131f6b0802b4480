/** Shared test data: AirPassengers and a generator of infrastructure-like usage series. */

/** Box & Jenkins Series G: monthly international airline passengers (thousands), 1949–1960. */
export const AIR_PASSENGERS = [
  112, 118, 132, 129, 121, 135, 148, 148, 136, 119, 104, 118, 115, 126, 141, 135, 125, 149, 170, 170, 158,
  133, 114, 140, 145, 150, 178, 163, 172, 178, 199, 199, 184, 162, 146, 166, 171, 180, 193, 181, 183, 218,
  230, 242, 209, 191, 172, 194, 196, 196, 236, 235, 229, 243, 264, 272, 237, 211, 180, 201, 204, 188, 235,
  227, 234, 264, 302, 293, 259, 229, 203, 229, 242, 233, 267, 269, 270, 315, 364, 347, 312, 274, 237, 278,
  284, 277, 317, 313, 318, 374, 413, 405, 355, 306, 271, 306, 315, 301, 356, 348, 355, 422, 465, 467, 404,
  347, 305, 336, 340, 318, 362, 348, 363, 435, 491, 505, 404, 359, 310, 337, 360, 342, 406, 396, 420, 472,
  548, 559, 463, 407, 362, 405, 417, 391, 419, 461, 472, 535, 622, 606, 508, 461, 390, 432,
];

/** Small fast deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const HOUR = 3_600_000;

export interface InfraOptions {
  seed: number;
  hours?: number;
  base?: number;
  /** Trend per hour. */
  slope?: number;
  /** Daily swing amplitude (peak in the afternoon). */
  daily?: number;
  /** How much lower weekends are (0 = no weekly cycle). */
  weekend?: number;
  /** Uniform noise amplitude (±noise/2). */
  noise?: number;
  /** A level shift of `step.by` from hour `step.at` on. */
  step?: { at: number; by: number };
  /** Cycles as factors of the trend line (daily and weekend relative to base), so the swing grows with the level. */
  multiplicative?: boolean;
}

/** Hourly usage: base + trend + daily sine + weekend dip + noise (+ a step change), never < 0. */
export function infraSeries(o: InfraOptions): number[] {
  const next = prng(o.seed);
  const hours = o.hours ?? 90 * 24;
  const out = new Array<number>(hours);
  for (let t = 0; t < hours; t++) {
    const hourOfDay = t % 24;
    const day = Math.floor(t / 24) % 7;
    const base = o.base ?? 200;
    const line = base + (o.slope ?? 0) * t;
    const daily = (o.daily ?? 0) * Math.sin(((hourOfDay - 8) / 24) * 2 * Math.PI);
    const weekend = day >= 5 ? (o.weekend ?? 0) : 0;
    const noise = (o.noise ?? 0) * (next() - 0.5);
    let v = o.multiplicative
      ? line * (1 + daily / base) * (1 - weekend / base) + noise
      : line + daily - weekend + noise;
    if (o.step && t >= o.step.at) v += o.step.by;
    out[t] = Math.max(0, v);
  }
  return out;
}

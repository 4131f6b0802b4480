/**
 * Capacity planning maths, pure and dependency-free: forecasts with intervals and backtests,
 * runway, N+k sizing, growth scenarios, cost, and a sparkline for the terminal.
 */
export { applyScenario, monthlyCost, runway, scenarioFactor, sizing } from './answers.js';
export { CapacityInputError } from './errors.js';
export { forecast, MAX_HORIZON } from './forecast.js';
export { formatQuantity } from './quantity.js';
export {
  detectSeasonality,
  detrend,
  MIN_AUTOCORRELATION,
  type SeasonalityResult,
  seasonalAutocorrelation,
  seasonalNaiveSpread,
  seasonCandidates,
} from './seasonality.js';
export { MAX_USAGE_VALUE, parseCsvSeries, type Sample, seriesFromSamples, validateSeries } from './series.js';
export { sparkline } from './sparkline.js';
export type * from './types.js';

export * from './apply.js';
export * from './auth.js';
export * from './budget-policy.js';
export * from './catalog.js';
export * from './common.js';
export * from './deployment.js';
export * from './ingest.js';
export * from './slo.js';

export * from './auth/policy.js';
export * from './catalog/dependency-graph.js';
export * from './catalog/entity-ref.js';
export * from './config/index.js';
export * from './errors.js';

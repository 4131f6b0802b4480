export * from './organisation.js';
export * from './traffic.js';

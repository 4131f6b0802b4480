export * from './organisation.js';
export * from './releases.js';
export * from './traffic.js';

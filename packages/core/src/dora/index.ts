export * from './four-keys.js';
export * from './levels.js';
export * from './view.js';

export * from './escalation.js';
export * from './final-schedule.js';
export * from './model.js';
export * from './rotation.js';

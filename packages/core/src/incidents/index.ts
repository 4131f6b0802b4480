export * from './budget-impact.js';
export * from './change.js';
export * from './draft.js';
export * from './milestones.js';
export * from './model.js';
export * from './mttx.js';
export * from './postmortem.js';
export * from './view.js';

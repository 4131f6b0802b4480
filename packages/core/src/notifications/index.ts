export * from './channel.js';
export * from './email.js';
export * from './message.js';
export * from './signature.js';
export * from './slack.js';

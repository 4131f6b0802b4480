/** What other modules use: producers enqueue, main starts the dispatcher. */
export { type Dispatcher, type DispatcherOptions, startDispatcher, type TickResult } from './dispatcher.js';
export { type OutboundPolicy, outboundPolicy, parseOutboundAllow } from './outbound.js';
export { type Enqueued, type EnqueueRequest, enqueueNotification } from './outbox.js';
export { type NotificationSettings, notificationSettingsFromEnv } from './settings.js';

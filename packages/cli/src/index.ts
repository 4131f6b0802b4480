export { HeadroomClient } from './client.js';
export type { CliIo } from './context.js';
export { ApiError, UnreachableError, UsageError } from './errors.js';
export { run } from './run.js';

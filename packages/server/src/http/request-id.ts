import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The request id for logs, problem bodies and the audit log. A caller's x-request-id is kept
 * when it is a short token, so a CI run or a proxy can follow its request through; anything
 * else (huge, spaces, markup) is replaced by a fresh UUID rather than stored as sent.
 */
export function requestIdFrom(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
}

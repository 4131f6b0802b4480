/**
 * One outgoing HTTP POST through the SSRF guard, with one deadline for the whole exchange
 * (connect, send, response headers and body). Redirects are not followed: a redirect could lead
 * anywhere, and the receiver's URL is configured, not discovered.
 */
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { assertAllowed, guardedLookup, type OutboundPolicy } from './outbound.js';

export interface PostResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The first few KiB of the body, for error messages. */
  body: string;
  /** The peer's address as the socket saw it. */
  remoteAddress: string | undefined;
}

export class DeliveryTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
}

const BODY_KEPT = 4096;

export async function postBody(
  target: string,
  body: string,
  headers: Record<string, string>,
  options: { timeoutMs: number; policy: OutboundPolicy; userAgent?: string },
): Promise<PostResult> {
  const url = new URL(target);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  // A literal address never reaches the lookup hook: check it here.
  if (isIP(host)) assertAllowed(options.policy, host);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<PostResult>((resolve, reject) => {
    let settled = false;
    const finish = (error: Error | null, result?: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(result!);
    };
    const request = client.request(
      {
        method: 'POST',
        protocol: url.protocol,
        hostname: host,
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        headers: {
          'user-agent': options.userAgent ?? 'Headroom',
          ...headers,
          'content-length': String(Buffer.byteLength(body)),
        },
        lookup: guardedLookup(options.policy),
        // One connection per delivery: nothing pooled outlives the check that allowed it.
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        response.on('data', (chunk: Buffer) => {
          if (kept < BODY_KEPT) {
            chunks.push(chunk);
            kept += chunk.length;
          }
        });
        response.on('end', () =>
          finish(null, {
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8').slice(0, BODY_KEPT),
            remoteAddress: response.socket?.remoteAddress,
          }),
        );
        response.on('error', (e) => finish(e));
      },
    );
    const timer = setTimeout(() => {
      const error = new DeliveryTimeoutError(`no complete answer within ${options.timeoutMs} ms`);
      finish(error);
      request.destroy(error);
    }, options.timeoutMs);
    request.on('error', (e) => finish(e));
    request.end(body);
  });
}

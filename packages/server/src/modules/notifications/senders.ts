/**
 * Delivery of one notification through one channel, and what its answer means for retrying:
 * 2xx is delivered; timeouts, network errors, 5xx and 429 (after its Retry-After) are tried
 * again; any other answer (4xx, 3xx) and a refused address fail for good, since sending the same
 * request again cannot succeed. SMTP: 4xx replies and connection trouble are tried again, 5xx not.
 */
import type { NotificationMessage } from '@headroom/core/api/notification';
import type {
  EmailChannelSpec,
  NotificationChannelConfig,
  SlackChannelSpec,
  WebhookChannelSpec,
} from '@headroom/core/notifications/channel';
import { renderEmail } from '@headroom/core/notifications/email';
import { truncate, webhookBody } from '@headroom/core/notifications/message';
import {
  IDEMPOTENCY_HEADER,
  SIGNATURE_HEADER,
  signatureHeader,
} from '@headroom/core/notifications/signature';
import { slackPayload } from '@headroom/core/notifications/slack';
import nodemailer, { type Mail } from 'nodemailer';
import { parseRetryAfter } from './backoff.js';
import { DeliveryTimeoutError, type PostResult, postBody } from './http-post.js';
import { type OutboundPolicy, OutboundRefusedError, resolveAllowed } from './outbound.js';

export type DeliveryOutcome =
  | { result: 'delivered'; statusCode: number | null }
  | { result: 'retry'; statusCode: number | null; error: string; retryAfterMs?: number | null }
  | { result: 'failed'; statusCode: number | null; error: string };

export interface DeliveryContext {
  /** The notification id: the Idempotency-Key receivers deduplicate by. */
  id: string;
  channel: NotificationChannelConfig;
  message: NotificationMessage;
  timeoutMs: number;
  policy: OutboundPolicy;
  now: () => number;
  smtp: { url: string | undefined; from: string | undefined };
}

const ERROR_MAX = 1000;

/** What a non-HTTP failure means: refused addresses never change by retrying; the rest may. */
function errorOutcome(error: unknown): DeliveryOutcome {
  const e = error as { message?: string; code?: string };
  const text = truncate(e.message ?? String(error), ERROR_MAX);
  if (error instanceof OutboundRefusedError) return { result: 'failed', statusCode: null, error: text };
  if (error instanceof DeliveryTimeoutError)
    return { result: 'retry', statusCode: null, error: `timeout: ${text}` };
  return { result: 'retry', statusCode: null, error: e.code ? `${e.code}: ${text}` : text };
}

export function httpOutcome(response: PostResult, now: number): DeliveryOutcome {
  const { status } = response;
  if (status >= 200 && status < 300) return { result: 'delivered', statusCode: status };
  const detail =
    response.body.trim() === '' ? '' : `: ${truncate(response.body.trim().replace(/\s+/g, ' '), 300)}`;
  const error = `HTTP ${status}${detail}`;
  if (status === 429 || status >= 500)
    return {
      result: 'retry',
      statusCode: status,
      error,
      retryAfterMs: parseRetryAfter(response.headers['retry-after'], now),
    };
  const why = status >= 300 && status < 400 ? ' (redirects are not followed: configure the final URL)' : '';
  return { result: 'failed', statusCode: status, error: `${error}${why}` };
}

async function post(ctx: DeliveryContext, url: string, body: string, headers: Record<string, string>) {
  try {
    return httpOutcome(
      await postBody(url, body, headers, { timeoutMs: ctx.timeoutMs, policy: ctx.policy }),
      ctx.now(),
    );
  } catch (e) {
    return errorOutcome(e);
  }
}

async function deliverWebhook(ctx: DeliveryContext, spec: WebhookChannelSpec): Promise<DeliveryOutcome> {
  const body = webhookBody(ctx.id, ctx.channel.name, ctx.message);
  const headers: Record<string, string> = {
    ...spec.headers,
    'content-type': 'application/json',
    [IDEMPOTENCY_HEADER]: ctx.id,
  };
  // Signed at each attempt, so the timestamp stays inside the receiver's tolerance.
  if (spec.secret !== null)
    headers[SIGNATURE_HEADER] = await signatureHeader(spec.secret, body, Math.floor(ctx.now() / 1000));
  return post(ctx, spec.url, body, headers);
}

async function deliverSlack(ctx: DeliveryContext, spec: SlackChannelSpec): Promise<DeliveryOutcome> {
  const body = JSON.stringify(slackPayload(ctx.message, spec));
  return post(ctx, spec.webhookUrl, body, {
    'content-type': 'application/json',
    [IDEMPOTENCY_HEADER]: ctx.id,
  });
}

/** SMTP reply codes and nodemailer's error codes, as retry or not. */
export function smtpOutcome(error: unknown): DeliveryOutcome {
  const e = error as { message?: string; code?: string; responseCode?: number };
  const code = typeof e.responseCode === 'number' ? e.responseCode : null;
  const text = truncate(`${e.code ? `${e.code}: ` : ''}${e.message ?? String(error)}`, ERROR_MAX);
  if (error instanceof OutboundRefusedError) return { result: 'failed', statusCode: null, error: text };
  if (code !== null && code >= 500) return { result: 'failed', statusCode: code, error: text };
  if (code !== null && code >= 400) return { result: 'retry', statusCode: code, error: text };
  // A broken TLS setup or a rejected login does not mend itself.
  if (e.code === 'ETLS' || e.code === 'EAUTH') return { result: 'failed', statusCode: code, error: text };
  return { result: 'retry', statusCode: code, error: text };
}

async function deliverEmail(ctx: DeliveryContext, spec: EmailChannelSpec): Promise<DeliveryOutcome> {
  const from = spec.from ?? ctx.smtp.from;
  if (!from)
    return {
      result: 'failed',
      statusCode: null,
      error: 'no sender: set spec.from or the server’s HEADROOM_SMTP_FROM',
    };
  const timeouts = {
    connectionTimeout: ctx.timeoutMs,
    greetingTimeout: ctx.timeoutMs,
    socketTimeout: ctx.timeoutMs,
    dnsTimeout: ctx.timeoutMs,
  };
  let transport: Mail;
  try {
    if (spec.smtp) {
      // Connect to the very address that was checked; the name still serves TLS (SNI, certificate).
      const [address] = await resolveAllowed(ctx.policy, spec.smtp.host);
      transport = nodemailer.createTransport({
        host: address!.address,
        port: spec.smtp.port,
        secure: spec.smtp.security === 'tls',
        requireTLS: spec.smtp.security === 'starttls',
        ignoreTLS: spec.smtp.security === 'none',
        tls: { servername: spec.smtp.host.replace(/^\[|\]$/g, '') },
        ...(spec.smtp.username !== null && {
          auth: { user: spec.smtp.username, pass: spec.smtp.password ?? '' },
        }),
        ...timeouts,
      });
    } else if (ctx.smtp.url) {
      // The server's own SMTP is set by the admin, not by channel authors: not guarded.
      transport = nodemailer.createTransport({ url: ctx.smtp.url, ...timeouts });
    } else {
      return {
        result: 'failed',
        statusCode: null,
        error: 'no SMTP server: give the channel spec.smtp or set the server’s HEADROOM_SMTP_URL',
      };
    }
  } catch (e) {
    return smtpOutcome(e);
  }
  const mail = renderEmail(ctx.message);
  let timer: NodeJS.Timeout | undefined;
  try {
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new DeliveryTimeoutError(`SMTP exchange not done within ${2 * ctx.timeoutMs} ms`)),
        2 * ctx.timeoutMs,
      );
    });
    await Promise.race([
      transport.sendMail({
        from,
        to: spec.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        // The same Message-ID on every attempt lets mail systems and readers drop a duplicate.
        messageId: `<${ctx.id}@headroom.notifications>`,
        headers: { 'X-Headroom-Notification': ctx.id },
      }),
      deadline,
    ]);
    return { result: 'delivered', statusCode: null };
  } catch (e) {
    return e instanceof DeliveryTimeoutError ? errorOutcome(e) : smtpOutcome(e);
  } finally {
    clearTimeout(timer);
    transport.close();
  }
}

export function deliver(ctx: DeliveryContext): Promise<DeliveryOutcome> {
  const spec = ctx.channel.spec;
  switch (spec.type) {
    case 'webhook':
      return deliverWebhook(ctx, spec);
    case 'slack':
      return deliverSlack(ctx, spec);
    case 'email':
      return deliverEmail(ctx, spec);
  }
}

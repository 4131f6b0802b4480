/**
 * The notification message every producer hands to the outbox (alert routing, the channel test),
 * and the checks it must pass before it is stored: a message that cannot be rendered must fail
 * when it is enqueued, inside the producer's transaction, not later in the dispatcher.
 */
import Value from 'typebox/value';
import { NotificationMessage } from '../api/notification.js';
import { type FieldProblem, InputError } from '../errors.js';

export type { NotificationLink, NotificationSeverity } from '../api/notification.js';
export { NotificationMessage };

export const MAX_LABELS = 100;
/** The whole message as JSON, `data` included. */
export const MAX_MESSAGE_BYTES = 256 * 1024;

/** The webhook body when a message carries no `data`: the message itself, with the notification id. */
export interface DefaultWebhookBody {
  version: '1';
  id: string;
  channel: string;
  status: NotificationMessage['status'];
  severity: NotificationMessage['severity'];
  title: string;
  text: string;
  labels: Record<string, string>;
  links: NotificationMessage['links'];
}

/** Throws an InputError naming every bad field (`/message/labels`), or returns the message. */
export function checkNotificationMessage(value: unknown, at = '/message'): NotificationMessage {
  const problems: FieldProblem[] = [];
  for (const e of Value.Errors(NotificationMessage, value)) {
    problems.push({ path: `${at}${e.instancePath}`, message: e.message });
  }
  if (problems.length === 0) {
    const message = value as NotificationMessage;
    if (Object.keys(message.labels).length > MAX_LABELS)
      problems.push({ path: `${at}/labels`, message: `must have at most ${MAX_LABELS} labels` });
    message.links.forEach((link, i) => {
      if (!isHttpUrl(link.url))
        problems.push({
          path: `${at}/links/${i}/url`,
          message: 'must be an absolute http:// or https:// URL',
        });
    });
    let size = 0;
    try {
      size = new TextEncoder().encode(JSON.stringify(message)).length;
    } catch (e) {
      problems.push({ path: `${at}/data`, message: `must be JSON: ${(e as Error).message}` });
    }
    if (size > MAX_MESSAGE_BYTES)
      problems.push({ path: at, message: `must be at most ${MAX_MESSAGE_BYTES} bytes as JSON, not ${size}` });
  }
  if (problems.length > 0) {
    const first = problems[0]!;
    throw new InputError(`${first.path} ${first.message}`, problems, 'INVALID_NOTIFICATION');
  }
  return value as NotificationMessage;
}

export function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/**
 * The exact text a webhook channel POSTs: `data` as given when the message has it, else the
 * message itself. The signature covers these bytes.
 */
export function webhookBody(notificationId: string, channel: string, message: NotificationMessage): string {
  if (message.data !== undefined && message.data !== null) return JSON.stringify(message.data);
  const body: DefaultWebhookBody = {
    version: '1',
    id: notificationId,
    channel,
    status: message.status,
    severity: message.severity,
    title: message.title,
    text: message.text,
    labels: message.labels,
    links: message.links,
  };
  return JSON.stringify(body);
}

/** `[FIRING:critical] Checkout availability burning fast`, one line, for subjects and fallbacks. */
export function summaryLine(message: NotificationMessage, max = 250): string {
  const line = `[${message.status.toUpperCase()}:${message.severity}] ${message.title}`.replace(/\s+/g, ' ');
  return truncate(line, max);
}

/** Cuts `text` to at most `max` characters (code points kept whole), marking the cut with `…`. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

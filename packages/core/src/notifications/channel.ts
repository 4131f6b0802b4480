/**
 * `headroom.dev/v1` kind `NotificationChannel`: where notifications go. Route documents name
 * channels as their receivers.
 *
 *     apiVersion: headroom.dev/v1
 *     kind: NotificationChannel
 *     metadata: { name: payments-webhook }
 *     spec:
 *       type: webhook            # webhook | slack | email
 *       owner: payments          # optional: its team's editors may change it; else admins only
 *       url: https://hooks.example.com/headroom
 *       secret: whsec_…          # signs each request (Headroom-Signature)
 *       headers: { X-Team: payments }
 *
 * Slack: `webhookUrl` (an incoming-webhook URL, itself a secret) and optional `channel`,
 * `username`, `iconEmoji`. E-mail: `to` (a list), optional `from`, and `smtp` (`host`, `port`,
 * `security: tls | starttls | none`, `username`, `password`); without `smtp` the server's
 * HEADROOM_SMTP_URL is used. Secrets (webhook `secret` and `headers` values, Slack
 * `webhookUrl`, `smtp.password`) are never shown by the API.
 */
import { parseEntityRef } from '../catalog/entity-ref.js';
import { HEADROOM_API_VERSION } from '../config/headroom/budget-correction.js';
import {
  type Fields,
  isMap,
  type Path,
  readEnum,
  readList,
  readMap,
  readMetadata,
  readNumber,
  readString,
  warnUnknown,
} from '../config/openslo/read.js';
import type { KindRegistry } from '../config/registry.js';
import type { DesiredObject, KindHandler, NormalizeContext, ObjectReference } from '../config/types.js';

export const NOTIFICATION_CHANNEL_KIND = 'NotificationChannel';
/** DesiredObject.type and the entity-ref kind (`notificationchannel:default/<name>`). */
export const NOTIFICATION_CHANNEL_TYPE = 'notification-channel';
export const NOTIFICATION_CHANNEL_REF_KIND = 'notificationchannel';
export const CHANNEL_TYPES = ['webhook', 'slack', 'email'] as const;
export const SMTP_SECURITY = ['tls', 'starttls', 'none'] as const;
export const MAX_TIMEOUT_SECONDS = 60;

/** Headers Headroom sets itself; a channel may not replace them. */
export const RESERVED_HEADERS = [
  'content-type',
  'content-length',
  'host',
  'connection',
  'transfer-encoding',
  'headroom-signature',
  'idempotency-key',
  'user-agent',
];

export interface WebhookChannelSpec {
  type: 'webhook';
  url: string;
  /** Signing secret; null: requests go unsigned. */
  secret: string | null;
  /** Extra request headers (values may carry credentials: treated as secrets). */
  headers: Record<string, string>;
  timeoutSeconds: number | null;
}

export interface SlackChannelSpec {
  type: 'slack';
  /** The incoming-webhook URL: whoever has it can post, so it is a secret. */
  webhookUrl: string;
  channel: string | null;
  username: string | null;
  iconEmoji: string | null;
  timeoutSeconds: number | null;
}

export interface SmtpSettings {
  host: string;
  port: number;
  security: (typeof SMTP_SECURITY)[number];
  username: string | null;
  password: string | null;
}

export interface EmailChannelSpec {
  type: 'email';
  to: string[];
  /** null: the server's HEADROOM_SMTP_FROM. */
  from: string | null;
  /** null: the server's HEADROOM_SMTP_URL. */
  smtp: SmtpSettings | null;
}

export type ChannelSpec = WebhookChannelSpec | SlackChannelSpec | EmailChannelSpec;

export interface NotificationChannelConfig {
  name: string;
  displayName: string | null;
  /** A team as written (`payments`, `group:default/payments`); null: admins only. */
  owner: string | null;
  spec: ChannelSpec;
}

/** What apply keeps: the normalized channel and the document as written. */
export interface NotificationChannelObject {
  channel: NotificationChannelConfig;
  document: unknown;
}

export function notificationChannelRef(name: string): string {
  return `${NOTIFICATION_CHANNEL_REF_KIND}:default/${name}`;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const ADDRESS = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/;
const NAMED_ADDRESS = /^[^<>]*<([^<>]+)>$/;
const HOST =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$|^\[?[0-9A-Fa-f:.]+\]?$/;

/** `ops@example.com` or `Headroom <alerts@example.com>`. */
export function isEmailAddress(text: string): boolean {
  const named = NAMED_ADDRESS.exec(text.trim());
  return ADDRESS.test(named ? named[1]!.trim() : text.trim());
}

function readUrl(ctx: NormalizeContext, path: Path, value: unknown): string | null {
  const text = readString(ctx, path, value, { required: true, maxLength: 2048 });
  if (text === null) return null;
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    ctx.error(path, 'must be an absolute http:// or https:// URL');
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    ctx.error(path, `must be an http:// or https:// URL, not ${url.protocol}`);
    return null;
  }
  if (url.username || url.password) {
    ctx.error(path, 'must not carry a user or password: send credentials in headers');
    return null;
  }
  return url.href;
}

function readTimeout(ctx: NormalizeContext, spec: Fields): number | null {
  const value = readNumber(ctx, ['spec', 'timeoutSeconds'], spec.timeoutSeconds);
  if (value === null) return null;
  if (value <= 0 || value > MAX_TIMEOUT_SECONDS) {
    ctx.error(['spec', 'timeoutSeconds'], `must be more than 0 and at most ${MAX_TIMEOUT_SECONDS} seconds`);
    return null;
  }
  return value;
}

function readSecret(ctx: NormalizeContext, path: Path, value: unknown): string | null {
  const text = readString(ctx, path, value, { maxLength: 4096 });
  if (text !== null && text.trim() === '') {
    ctx.error(path, 'must not be blank');
    return null;
  }
  return text;
}

function readHeaders(ctx: NormalizeContext, value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const seen = new Set<string>();
  for (const [name, raw] of Object.entries(readMap(ctx, ['spec', 'headers'], value) ?? {})) {
    const path = ['spec', 'headers', name];
    if (!HEADER_NAME.test(name)) {
      ctx.error(path, 'is not a valid HTTP header name');
      continue;
    }
    const lower = name.toLowerCase();
    if (RESERVED_HEADERS.includes(lower)) {
      ctx.error(path, `is set by Headroom and cannot be replaced (${RESERVED_HEADERS.join(', ')})`);
      continue;
    }
    if (seen.has(lower)) {
      ctx.error(path, 'is given twice (header names are case-insensitive)');
      continue;
    }
    seen.add(lower);
    const text = typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : raw;
    if (typeof text !== 'string') {
      ctx.error(path, 'must be a string');
      continue;
    }
    // CR, LF or NUL would split the request (header injection).
    if (/[\r\n\0]/.test(text)) {
      ctx.error(path, 'must not contain line breaks');
      continue;
    }
    out[name] = text;
  }
  return out;
}

function readWebhook(ctx: NormalizeContext, spec: Fields): WebhookChannelSpec | null {
  warnUnknown(
    ctx,
    ['spec'],
    spec,
    ['type', 'owner', 'url', 'secret', 'headers', 'timeoutSeconds'],
    'a webhook NotificationChannel',
  );
  const url = readUrl(ctx, ['spec', 'url'], spec.url);
  const secret = readSecret(ctx, ['spec', 'secret'], spec.secret);
  const headers = readHeaders(ctx, spec.headers);
  const timeoutSeconds = readTimeout(ctx, spec);
  if (url === null) return null;
  return { type: 'webhook', url, secret, headers, timeoutSeconds };
}

function readSlack(ctx: NormalizeContext, spec: Fields): SlackChannelSpec | null {
  warnUnknown(
    ctx,
    ['spec'],
    spec,
    ['type', 'owner', 'webhookUrl', 'channel', 'username', 'iconEmoji', 'timeoutSeconds'],
    'a slack NotificationChannel',
  );
  const webhookUrl = readUrl(ctx, ['spec', 'webhookUrl'], spec.webhookUrl);
  const channel = readString(ctx, ['spec', 'channel'], spec.channel, { maxLength: 80 });
  if (channel !== null && !/^[#@]?[^\s#@]+$/.test(channel))
    ctx.error(
      ['spec', 'channel'],
      'must be one channel (#alerts), user (@ana) or channel id, without spaces',
    );
  const username = readString(ctx, ['spec', 'username'], spec.username, { maxLength: 80 });
  const iconEmoji = readString(ctx, ['spec', 'iconEmoji'], spec.iconEmoji, { maxLength: 100 });
  if (iconEmoji !== null && !/^:[a-z0-9_+'-]+:$/.test(iconEmoji))
    ctx.error(['spec', 'iconEmoji'], 'must be an emoji code such as :rotating_light:');
  const timeoutSeconds = readTimeout(ctx, spec);
  if (webhookUrl === null) return null;
  return { type: 'slack', webhookUrl, channel, username, iconEmoji, timeoutSeconds };
}

function readSmtp(ctx: NormalizeContext, value: unknown): SmtpSettings | null {
  if (value === undefined || value === null) return null;
  const smtp = readMap(ctx, ['spec', 'smtp'], value);
  if (!smtp) return null;
  warnUnknown(ctx, ['spec', 'smtp'], smtp, ['host', 'port', 'security', 'username', 'password'], 'smtp');
  const host = readString(ctx, ['spec', 'smtp', 'host'], smtp.host, { required: true, maxLength: 253 });
  if (host !== null && !HOST.test(host))
    ctx.error(['spec', 'smtp', 'host'], 'must be a host name or IP address');
  const security = readEnum(ctx, ['spec', 'smtp', 'security'], smtp.security, SMTP_SECURITY) ?? 'starttls';
  let port = readNumber(ctx, ['spec', 'smtp', 'port'], smtp.port);
  if (port !== null && (!Number.isInteger(port) || port < 1 || port > 65_535)) {
    ctx.error(['spec', 'smtp', 'port'], 'must be a whole number from 1 to 65535');
    port = null;
  }
  const username = readString(ctx, ['spec', 'smtp', 'username'], smtp.username, { maxLength: 320 });
  const password = readSecret(ctx, ['spec', 'smtp', 'password'], smtp.password);
  if (password !== null && username === null)
    ctx.error(['spec', 'smtp', 'username'], 'is required when a password is given');
  if (host === null) return null;
  return { host, port: port ?? (security === 'tls' ? 465 : 587), security, username, password };
}

function readEmail(ctx: NormalizeContext, spec: Fields): EmailChannelSpec | null {
  warnUnknown(ctx, ['spec'], spec, ['type', 'owner', 'to', 'from', 'smtp'], 'an email NotificationChannel');
  // `to: ops@example.com` is read as a list of one.
  const raw = typeof spec.to === 'string' ? [spec.to] : spec.to;
  const list = readList(ctx, ['spec', 'to'], raw, true);
  const to: string[] = [];
  list.forEach((item, i) => {
    const path = typeof spec.to === 'string' ? ['spec', 'to'] : ['spec', 'to', i];
    const address = readString(ctx, path, item, { required: true, maxLength: 320 });
    if (address === null) return;
    if (!isEmailAddress(address)) ctx.error(path, `'${address}' is not an e-mail address`);
    else if (!to.includes(address.trim())) to.push(address.trim());
  });
  if (Array.isArray(raw) && raw.length === 0) ctx.error(['spec', 'to'], 'must name at least one recipient');
  if (to.length > 50) ctx.error(['spec', 'to'], 'must name at most 50 recipients');
  const from = readString(ctx, ['spec', 'from'], spec.from, { maxLength: 320 });
  if (from !== null && !isEmailAddress(from))
    ctx.error(
      ['spec', 'from'],
      `'${from}' is not an e-mail address (ops@example.com or Name <ops@example.com>)`,
    );
  const smtp = readSmtp(ctx, spec.smtp);
  if (to.length === 0) return null;
  return { type: 'email', to, from: from?.trim() ?? null, smtp };
}

function readOwner(ctx: NormalizeContext, spec: Fields): string | null {
  const owner = readString(ctx, ['spec', 'owner'], spec.owner, { maxLength: 300 });
  if (owner === null) return null;
  try {
    const ref = parseEntityRef(owner, { defaultKind: 'group', defaultNamespace: 'default' });
    if (ref.kind !== 'group') {
      ctx.error(['spec', 'owner'], `must name a team (group), not a ${ref.kind}`);
      return null;
    }
  } catch (e) {
    ctx.error(['spec', 'owner'], (e as Error).message);
    return null;
  }
  return owner;
}

export function readNotificationChannel(
  ctx: NormalizeContext,
  value: Fields,
): NotificationChannelObject | null {
  warnUnknown(ctx, [], value, ['apiVersion', 'kind', 'metadata', 'spec'], 'a NotificationChannel');
  const meta = readMetadata(ctx, ['metadata'], value.metadata);
  const spec = readMap(ctx, ['spec'], value.spec, true);
  if (!meta || !spec) return null;
  const type = readEnum(ctx, ['spec', 'type'], spec.type, CHANNEL_TYPES, true);
  const owner = readOwner(ctx, spec);
  if (type === null) return null;
  const channelSpec =
    type === 'webhook'
      ? readWebhook(ctx, spec)
      : type === 'slack'
        ? readSlack(ctx, spec)
        : readEmail(ctx, spec);
  if (!channelSpec || ctx.errorCount > 0) return null;
  return {
    channel: { name: meta.name, displayName: meta.displayName, owner, spec: channelSpec },
    document: value,
  };
}

/** Refs of the team a channel names, so apply warns when it is neither stored nor declared. */
function ownerReferences(ctx: NormalizeContext, owner: string | null): ObjectReference[] {
  if (owner === null) return [];
  const r = parseEntityRef(owner, { defaultKind: 'group', defaultNamespace: 'default' });
  return [
    {
      ref: `group:${r.namespace}/${r.name}`,
      path: '/spec/owner',
      position: ctx.position(['spec', 'owner']),
    },
  ];
}

export const notificationChannelHandler: KindHandler = {
  apiVersions: [HEADROOM_API_VERSION],
  kind: NOTIFICATION_CHANNEL_KIND,
  normalize(doc, ctx) {
    if (!isMap(doc.value)) return [];
    const data = readNotificationChannel(ctx, doc.value);
    if (!data || ctx.errorCount > 0) return [];
    const object: DesiredObject<NotificationChannelObject> = {
      type: NOTIFICATION_CHANNEL_TYPE,
      ref: notificationChannelRef(data.channel.name),
      kind: NOTIFICATION_CHANNEL_KIND,
      data,
      source: ctx.position([]),
      references: ownerReferences(ctx, data.channel.owner),
      locate: (path) => ctx.position(path),
    };
    return [object];
  },
};

export function isNotificationChannelObject(o: DesiredObject): o is DesiredObject<NotificationChannelObject> {
  return o.type === NOTIFICATION_CHANNEL_TYPE;
}

export function registerNotificationKinds(registry: KindRegistry): KindRegistry {
  return registry.register(notificationChannelHandler);
}

/** Paths of the secret fields in a channel document; `headers` values all count as secret. */
const SECRET_FIELDS: Record<ChannelSpec['type'], readonly string[][]> = {
  webhook: [['secret'], ['headers']],
  slack: [['webhookUrl']],
  email: [['smtp', 'password']],
};

export const REDACTED = '<redacted>';

/** The document as written with every secret replaced by `<redacted>`, to be stored and shown. */
export function redactChannelDocument(document: unknown, type: ChannelSpec['type']): unknown {
  const copy = JSON.parse(JSON.stringify(document ?? null)) as Fields | null;
  const spec = copy && isMap(copy.spec) ? copy.spec : null;
  if (!spec) return copy;
  for (const path of SECRET_FIELDS[type]) {
    const last = path[path.length - 1]!;
    let holder: unknown = spec;
    for (const key of path.slice(0, -1)) holder = isMap(holder) ? holder[key] : undefined;
    if (!isMap(holder) || holder[last] === undefined || holder[last] === null) continue;
    const value = holder[last];
    holder[last] = isMap(value) ? Object.fromEntries(Object.keys(value).map((k) => [k, REDACTED])) : REDACTED;
  }
  return copy;
}

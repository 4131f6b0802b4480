/**
 * A channel's secrets at rest, kept apart from the rest of the channel (column `secrets`) so that
 * nothing that reads channels for display ever holds them. They are sealed with the server's
 * secret key (AES-256-GCM, modules/secrets: HEADROOM_SECRET_KEY, else a key file beside the
 * SQLite database or a key in the database), bound to the channel's name. The column holds
 * `{"names": [...], "value": <sealed text>}`: the names of the secrets that are set can be shown
 * without opening anything.
 */
import type { NotificationChannelConfig } from '@headroom/core/notifications/channel';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { activeKeyId } from '../secrets/key-store.js';
import { isSealed, open, seal } from '../secrets/keyring.js';

export interface ChannelSecrets {
  /** Webhook signing secret. */
  secret?: string;
  /** Webhook header values by name. */
  headers?: Record<string, string>;
  /** Slack incoming-webhook URL. */
  webhookUrl?: string;
  /** The channel's own SMTP password. */
  smtpPassword?: string;
}

interface StoredSecrets {
  names: string[];
  /** Sealed text, or the plain object where no key is set up (a database opened without the app). */
  value: string | ChannelSecrets;
}

const contextOf = (channel: string) => `notification-channel:${channel}`;

/** The column's text for `secrets` of channel `channel`. */
export async function sealSecrets(
  db: Kysely<Database>,
  channel: string,
  secrets: ChannelSecrets,
): Promise<string> {
  const names = secretNames(secrets);
  if (names.length === 0) return JSON.stringify({ names, value: {} } satisfies StoredSecrets);
  let keyId: string | null;
  try {
    keyId = await activeKeyId(db);
  } catch (e) {
    // Every app sets a key up at start; only a bare database (tools, some tests) has none.
    if (!/no secret key is set up/.test((e as Error).message)) throw e;
    keyId = null;
  }
  const value = keyId === null ? secrets : seal(secrets, keyId, contextOf(channel));
  return JSON.stringify({ names, value } satisfies StoredSecrets);
}

/** The names of the secrets set, without opening them. */
export function storedSecretNames(text: string): string[] {
  return (JSON.parse(text) as StoredSecrets).names;
}

/** The secrets in the open; throws SecretUnavailableError when this process lacks their key. */
export function openSecrets(text: string, channel: string): ChannelSecrets {
  const { value } = JSON.parse(text) as StoredSecrets;
  return isSealed(value) ? (open(value, contextOf(channel)) as ChannelSecrets) : (value as ChannelSecrets);
}

/** The channel without secret values (header names stay, with empty values) and its secrets. */
export function splitSecrets(channel: NotificationChannelConfig): {
  definition: NotificationChannelConfig;
  secrets: ChannelSecrets;
} {
  const spec = channel.spec;
  switch (spec.type) {
    case 'webhook':
      return {
        definition: {
          ...channel,
          spec: {
            ...spec,
            secret: null,
            headers: Object.fromEntries(Object.keys(spec.headers).map((k) => [k, ''])),
          },
        },
        secrets: {
          ...(spec.secret !== null && { secret: spec.secret }),
          ...(Object.keys(spec.headers).length > 0 && { headers: spec.headers }),
        },
      };
    case 'slack':
      return {
        definition: { ...channel, spec: { ...spec, webhookUrl: '' } },
        secrets: { webhookUrl: spec.webhookUrl },
      };
    case 'email':
      return {
        definition: { ...channel, spec: { ...spec, smtp: spec.smtp && { ...spec.smtp, password: null } } },
        secrets: spec.smtp?.password ? { smtpPassword: spec.smtp.password } : {},
      };
  }
}

/** The whole channel again, for delivery and for apply's comparison. */
export function joinSecrets(
  definition: NotificationChannelConfig,
  secrets: ChannelSecrets,
): NotificationChannelConfig {
  const spec = definition.spec;
  switch (spec.type) {
    case 'webhook':
      return {
        ...definition,
        spec: {
          ...spec,
          secret: secrets.secret ?? null,
          headers: Object.fromEntries(Object.keys(spec.headers).map((k) => [k, secrets.headers?.[k] ?? ''])),
        },
      };
    case 'slack':
      return { ...definition, spec: { ...spec, webhookUrl: secrets.webhookUrl ?? '' } };
    case 'email':
      return {
        ...definition,
        spec: { ...spec, smtp: spec.smtp && { ...spec.smtp, password: secrets.smtpPassword ?? null } },
      };
  }
}

/** Names of the secret settings that are set, for the API. */
export function secretNames(secrets: ChannelSecrets): string[] {
  const out: string[] = [];
  if (secrets.secret) out.push('secret');
  if (secrets.headers && Object.keys(secrets.headers).length > 0) out.push('headers');
  if (secrets.webhookUrl) out.push('webhookUrl');
  if (secrets.smtpPassword) out.push('smtp.password');
  return out;
}

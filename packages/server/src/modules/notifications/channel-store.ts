/**
 * Apply store for `headroom.dev/v1` NotificationChannel (table `notification_channels`).
 *
 * Ownership: a channel with `spec.owner` may be created, changed or deleted by an editor of that
 * team (before and after the change); a channel without an owner by admins only, since it holds
 * secrets and opens connections out of the network.
 */
import { type Actor, canChangeOwned, type Verdict } from '@headroom/core/auth/policy';
import {
  NOTIFICATION_CHANNEL_REF_KIND,
  NOTIFICATION_CHANNEL_TYPE,
  type NotificationChannelConfig,
  type NotificationChannelObject,
  redactChannelDocument,
} from '@headroom/core/notifications/channel';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { ApplyStore, ChangeToAuthorise } from '../apply/stores.js';
import { ownerTeamId } from '../catalog/records.js';
import { json } from '../catalog/refs.js';
import { SecretUnavailableError } from '../secrets/keyring.js';
import {
  type ChannelRecord,
  deleteChannel,
  findChannel,
  fullChannel,
  writeChannel,
} from './channels-repo.js';

async function authoriseChannel(
  db: Kysely<Database>,
  actor: Actor,
  change: ChangeToAuthorise<ChannelRecord>,
): Promise<Verdict> {
  if (actor.role !== 'editor') return canChangeOwned(actor, null, change.what);
  for (const record of [change.current?.record, change.desired]) {
    if (!record) continue;
    const verdict = canChangeOwned(actor, await ownerTeamId(db, record.channel.owner), change.what);
    if (!verdict.allowed) return verdict;
  }
  return { allowed: true };
}

/** Changed fields by name (`spec.url`, `spec.secret`); never their values, which may be secret. */
export function diffChannels(current: ChannelRecord, desired: ChannelRecord): string[] {
  const a = current.channel;
  const b = desired.channel;
  const changed: string[] = [];
  for (const key of ['displayName', 'owner'] as const)
    if (json.stringify(a[key]) !== json.stringify(b[key])) changed.push(key);
  const sa = a.spec as unknown as Record<string, unknown>;
  const sb = b.spec as unknown as Record<string, unknown>;
  for (const key of [...new Set([...Object.keys(sa), ...Object.keys(sb)])].sort())
    if (json.stringify(sa[key] ?? null) !== json.stringify(sb[key] ?? null)) changed.push(`spec.${key}`);
  if (changed.length > 0) return changed;
  return json.stringify(current.document) === json.stringify(desired.document) ? [] : ['document'];
}

export const notificationChannelStore: ApplyStore<NotificationChannelObject, ChannelRecord> = {
  type: NOTIFICATION_CHANNEL_TYPE,
  refKinds: [NOTIFICATION_CHANNEL_REF_KIND],
  // After teams (order 10), which own channels.
  order: 80,
  auditKind: 'notification-channel',
  toRecord: (data) => ({
    name: data.channel.name,
    channel: data.channel,
    document: redactChannelDocument(data.document, data.channel.spec.type),
  }),
  async load(db, ref) {
    const found = await findChannel(db, ref.name);
    if (!found) return undefined;
    let channel: NotificationChannelConfig;
    try {
      channel = fullChannel(found);
    } catch (e) {
      // Sealed with a key this process lacks: compare without them, so applying rewrites them.
      if (!(e instanceof SecretUnavailableError)) throw e;
      channel = found.definition;
    }
    return { id: found.id, record: { name: found.name, channel, document: found.document } };
  },
  diff: diffChannels,
  authorise: authoriseChannel,
  write: writeChannel,
  remove: (db, ref) => deleteChannel(db, ref.name),
};

export const notificationStores = [notificationChannelStore] as unknown as readonly ApplyStore[];

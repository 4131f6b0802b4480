/**
 * The dispatcher job: every poll interval, claim the due notifications, deliver each through its
 * channel, and record the outcome — delivered, pending again after a back-off, or dead after the
 * attempt limit (or at once when retrying cannot help). Every Headroom process may run one; the
 * outbox's leases keep them from delivering the same notification at once. Time and randomness
 * come from options so tests can drive them.
 */

import type { NotificationChannelConfig } from '@headroom/core/notifications/channel';
import { emailOfChannel } from '@headroom/core/oncall/paging';
import type { FastifyBaseLogger } from 'fastify';
import { uuidv7 } from 'uuidv7';
import type { Db } from '../../db/index.js';
import { SecretUnavailableError } from '../secrets/keyring.js';
import { retryDelay } from './backoff.js';
import { findChannel, fullChannel } from './channels-repo.js';
import type { OutboundPolicy } from './outbound.js';
import { type Claimed, type Completion, claimDue, completeAttempt } from './outbox.js';
import { type DeliveryOutcome, deliver } from './senders.js';
import type { NotificationSettings } from './settings.js';

export interface DispatcherOptions {
  settings: NotificationSettings;
  policy: OutboundPolicy;
  log?: FastifyBaseLogger;
  /** Notifications claimed at once (and delivered in parallel). */
  batchSize?: number;
  now?: () => number;
  random?: () => number;
  /** false: no timer; the caller ticks (tests). */
  timer?: boolean;
}

export interface TickResult {
  delivered: number;
  retried: number;
  dead: number;
}

export interface Dispatcher {
  /** One pass now: claims and delivers until nothing is due (at most a few batches). */
  tick(): Promise<TickResult>;
  stop(): Promise<void>;
}

const ROUNDS_PER_TICK = 10;

/** What to do after an outcome: the attempt limit counts from the last retry by hand. */
export function completionFor(
  claim: Claimed,
  outcome: DeliveryOutcome,
  settings: NotificationSettings,
  now: number,
  random: () => number,
): Completion {
  if (outcome.result === 'delivered') return { status: 'delivered', statusCode: outcome.statusCode };
  const made = claim.attempt - claim.retryBase;
  if (outcome.result === 'failed')
    return { status: 'dead', statusCode: outcome.statusCode, error: outcome.error };
  if (made >= settings.maxAttempts)
    return {
      status: 'dead',
      statusCode: outcome.statusCode,
      error: `gave up after ${made} attempt${made === 1 ? '' : 's'}: ${outcome.error}`,
    };
  return {
    status: 'pending',
    statusCode: outcome.statusCode,
    error: outcome.error,
    nextAttemptAt: now + retryDelay(made, outcome.retryAfterMs, settings, random),
  };
}

async function deliverClaim(database: Db, claim: Claimed, options: DispatcherOptions, now: () => number) {
  // A page to a person: `mailto:<address>`, through the server's SMTP settings.
  const address = emailOfChannel(claim.channel);
  const stored = address === null ? await findChannel(database.db, claim.channel) : undefined;
  if (address === null && !stored)
    return {
      result: 'failed',
      statusCode: null,
      error: `notification channel '${claim.channel}' does not exist (apply it, then retry this notification)`,
    } satisfies DeliveryOutcome;
  let channel: NotificationChannelConfig;
  try {
    channel = stored
      ? fullChannel(stored)
      : {
          name: claim.channel,
          displayName: null,
          owner: null,
          spec: { type: 'email', to: [address!], from: null, smtp: null },
        };
  } catch (e) {
    if (!(e instanceof SecretUnavailableError)) throw e;
    return {
      result: 'failed',
      statusCode: null,
      error: `the secrets of channel '${claim.channel}' cannot be read: ${e.message}; apply the channel again`,
    } satisfies DeliveryOutcome;
  }
  const own = 'timeoutSeconds' in channel.spec ? channel.spec.timeoutSeconds : null;
  // At most a third of the lease (an SMTP exchange may take twice its timeout), so that the
  // lease outlives every live attempt.
  const timeoutMs = Math.min(
    own !== null ? own * 1000 : options.settings.timeoutMs,
    options.settings.leaseMs / 3,
  );
  return deliver({
    id: claim.id,
    channel,
    message: claim.message,
    timeoutMs,
    policy: options.policy,
    now,
    smtp: { url: options.settings.smtpUrl, from: options.settings.smtpFrom },
  });
}

export function startDispatcher(database: Db, options: DispatcherOptions): Dispatcher {
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const batchSize = options.batchSize ?? 16;
  // Each claim gets its own owner token, so a late completion of an expired claim is recognised.
  const process = uuidv7();
  let running: Promise<TickResult> | null = null;
  let stopped = false;

  const handle = async (claim: Claimed, result: TickResult) => {
    let outcome: DeliveryOutcome;
    try {
      outcome = await deliverClaim(database, claim, options, now);
    } catch (e) {
      outcome = { result: 'retry', statusCode: null, error: `internal error: ${(e as Error).message}` };
    }
    const completion = completionFor(claim, outcome, options.settings, now(), random);
    await completeAttempt(database.db, claim, completion, now());
    if (completion.status === 'delivered') result.delivered++;
    else if (completion.status === 'pending') result.retried++;
    else {
      result.dead++;
      options.log?.warn(
        { notification: claim.id, channel: claim.channel, error: completion.error },
        'notification dead-lettered',
      );
    }
  };

  const pass = async (): Promise<TickResult> => {
    const result: TickResult = { delivered: 0, retried: 0, dead: 0 };
    for (let round = 0; round < ROUNDS_PER_TICK && !stopped; round++) {
      const claims = await claimDue(database.db, {
        now: now(),
        leaseMs: options.settings.leaseMs,
        limit: batchSize,
        owner: `${process}/${uuidv7()}`,
        postgres: database.dialect === 'postgres',
      });
      await Promise.all(claims.map((c) => handle(c, result)));
      if (claims.length < batchSize) break;
    }
    return result;
  };

  const tick = () => {
    // Never two passes at once in one process: a slow pass makes the next tick wait for it.
    running ??= pass()
      .catch((e: unknown) => {
        options.log?.error({ err: e }, 'notification dispatch pass failed');
        return { delivered: 0, retried: 0, dead: 0 };
      })
      .finally(() => {
        running = null;
      });
    return running;
  };

  const timer =
    options.timer !== false && options.settings.pollIntervalMs > 0
      ? setInterval(() => void tick(), options.settings.pollIntervalMs)
      : null;
  timer?.unref();
  return {
    tick,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}

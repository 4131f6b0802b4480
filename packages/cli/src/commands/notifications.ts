/** `headroom notifications …` and `headroom channels …`: the notification outbox and its channels. */
import type {
  ChannelTestResult,
  Notification,
  NotificationChannel,
  NotificationDetail,
} from '@headroom/core/api/notification';
import type { Command } from 'commander';
import type { Query } from '../client.js';
import type { CliContext } from '../context.js';
import { UsageError } from '../errors.js';
import { integer } from '../options.js';
import { type Output, time } from '../output.js';

const enc = encodeURIComponent;
const STATUSES = ['pending', 'sending', 'delivered', 'dead'];

function listTable(out: Output, list: Notification[], empty: string): void {
  out.table(
    ['ID', 'CHANNEL', 'STATUS', 'ATTEMPTS', 'TITLE', 'NEXT ATTEMPT', 'LAST ERROR'],
    list.map((n) => [
      n.id,
      n.channel,
      n.status,
      n.attempts,
      n.message.title,
      time(n.nextAttemptAt),
      n.lastError,
    ]),
    empty,
  );
}

function listCommand(ctx: CliContext, fixed: { status?: string }) {
  return async (o: { status?: string; channel?: string; key?: string; cursor?: string; limit?: number }) => {
    const status = fixed.status ?? o.status;
    if (status !== undefined && !STATUSES.includes(status))
      throw new UsageError(`--status must be one of ${STATUSES.join(', ')}, not '${status}'`);
    const out = ctx.output();
    const query: Query = { status, channel: o.channel, key: o.key, cursor: o.cursor, limit: o.limit };
    const list = await ctx.client().request<Notification[]>('GET', '/notifications', { query });
    out.result(list, (l) =>
      listTable(out, l, fixed.status === 'dead' ? 'no dead letters' : 'no notifications'),
    );
  };
}

export function registerNotifications(program: Command, ctx: CliContext): void {
  const notifications = program
    .command('notifications')
    .alias('notification')
    .description('The notification outbox: what was sent, what waits for a retry, and the dead letters')
    .addHelpText(
      'after',
      `
Notifications wait in the outbox until delivered. Timeouts, network errors, 5xx and 429 are retried
with back-off; other answers (4xx) and the attempt limit make a notification dead, to be retried
by hand once the cause is fixed.

Examples:
  $ headroom notifications dead-letters
  $ headroom notifications get 0190b1c2-…
  $ headroom notifications retry 0190b1c2-…
  $ headroom notifications list --status pending --channel payments-webhook -o json
  $ headroom notifications list --key feedback:FB-12:          # the "you said, we did" mails of one item`,
    );

  const paging = (c: Command) =>
    c
      .option('--channel <name>', 'only notifications to this channel')
      .option(
        '--key <prefix>',
        "only notifications whose idempotency key starts with this, e.g. 'feedback:FB-12:'",
      )
      .option(
        '--cursor <id>',
        'page back: only notifications older than this id (the last ID of the previous page)',
      )
      .option('--limit <n>', 'at most this many (1-1000, default 100)', integer(1, 1000));

  paging(
    notifications
      .command('list')
      .alias('ls')
      .description('List notifications, newest first')
      .option('--status <status>', `only this status: ${STATUSES.join(', ')}`),
  ).action(listCommand(ctx, {}));

  paging(
    notifications
      .command('dead-letters')
      .description('List dead notifications (gave up; retry them by hand)'),
  ).action(listCommand(ctx, { status: 'dead' }));

  notifications
    .command('get')
    .description('Show one notification with every delivery attempt')
    .argument('<id>', 'the notification id')
    .action(async (id: string) => {
      const out = ctx.output();
      const n = await ctx.client().request<NotificationDetail>('GET', `/notifications/${enc(id)}`);
      out.result(n, () => {
        out.details([
          ['ID', n.id],
          ['Channel', n.channel],
          ['Status', n.status],
          ['Title', n.message.title],
          ['Severity', `${n.message.severity} (${n.message.status})`],
          ['Attempts', n.attempts],
          ['Next attempt', time(n.nextAttemptAt)],
          ['Last error', n.lastError],
          ['Created', time(n.createdAt)],
          ['Delivered', time(n.deliveredAt)],
        ]);
        out.line();
        out.table(
          ['ATTEMPT', 'STARTED', 'OUTCOME', 'STATUS', 'MS', 'ERROR'],
          n.attemptHistory.map((a) => [
            a.attempt,
            time(a.startedAt),
            a.outcome,
            a.statusCode,
            a.durationMs,
            a.error,
          ]),
          'no attempts yet',
        );
      });
    });

  notifications
    .command('retry')
    .description('Retry a dead notification: pending again, due now, with a fresh set of attempts')
    .argument('<id>', 'the notification id (see `headroom notifications dead-letters`)')
    .action(async (id: string) => {
      const out = ctx.output();
      const n = await ctx.client().request<Notification>('POST', `/notifications/${enc(id)}/retry`);
      out.result(n, () =>
        out.line(
          `Notification ${n.id} to ${n.channel} is ${n.status} again; it goes out at the next dispatch.`,
        ),
      );
    });
}

export function registerChannels(program: Command, ctx: CliContext): void {
  const channels = program
    .command('channels')
    .alias('channel')
    .description('Notification channels: webhooks, Slack and e-mail (secrets are never shown)')
    .addHelpText(
      'after',
      `
Channels are headroom.dev/v1 NotificationChannel documents applied with \`headroom apply -f\`.

Examples:
  $ headroom channels list
  $ headroom channels test payments-webhook`,
    );

  channels
    .command('list')
    .alias('ls')
    .description('List notification channels')
    .action(async () => {
      const out = ctx.output();
      const list = await ctx.client().request<NotificationChannel[]>('GET', '/channels');
      out.result(list, (l) =>
        out.table(
          ['NAME', 'TYPE', 'OWNER', 'TARGET', 'SECRETS'],
          l.map((c) => [c.name, c.type, c.owner, c.target, c.secrets]),
          'no notification channels',
        ),
      );
    });

  channels
    .command('get')
    .description('Show one notification channel')
    .argument('<name>', 'the channel name (metadata.name)')
    .action(async (name: string) => {
      const out = ctx.output();
      const c = await ctx.client().request<NotificationChannel>('GET', `/channels/${enc(name)}`);
      out.result(c, () =>
        out.details([
          ['Name', c.name],
          ['Display name', c.displayName],
          ['Type', c.type],
          ['Owner', c.owner ?? '(admins only)'],
          ['Target', c.target],
          ['Settings', JSON.stringify(c.settings)],
          ['Secrets set', c.secrets],
          ['Updated', time(c.updatedAt)],
        ]),
      );
    });

  channels
    .command('test')
    .description('Send a test notification through a channel')
    .argument('<name>', 'the channel name')
    .action(async (name: string) => {
      const out = ctx.output();
      const r = await ctx.client().request<ChannelTestResult>('POST', `/channels/${enc(name)}/test`);
      out.result(r, () => {
        out.line(`Test notification ${r.notification} queued for ${r.channel}.`);
        out.note(`Follow it with: headroom notifications get ${r.notification}`);
      });
    });
}

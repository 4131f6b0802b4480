/**
 * A notification as a Slack incoming-webhook message: `text` (the fallback Slack shows in
 * notifications and where blocks cannot be shown) plus Block Kit `blocks`. Slack reads `&`, `<`
 * and `>` as markup (`<!channel>` pings everyone), so message text is escaped before it goes into
 * mrkdwn, and every element is kept within Slack's documented limits (header 150 characters,
 * section text 3000, at most 10 fields of 2000, button text 75 and URL 3000) so that a long
 * message is cut, never refused.
 */
import type { NotificationMessage } from '../api/notification.js';
import { summaryLine, truncate } from './message.js';

export interface SlackOptions {
  /** Overrides the webhook's default channel (honoured by legacy webhooks only). */
  channel?: string | null;
  username?: string | null;
  iconEmoji?: string | null;
}

export interface SlackText {
  type: 'plain_text' | 'mrkdwn';
  text: string;
  emoji?: boolean;
}

export type SlackBlock =
  | { type: 'header'; text: SlackText }
  | { type: 'section'; text?: SlackText; fields?: SlackText[] }
  | { type: 'context'; elements: SlackText[] }
  | { type: 'actions'; elements: { type: 'button'; text: SlackText; url: string }[] };

export interface SlackPayload {
  text: string;
  blocks: SlackBlock[];
  channel?: string;
  username?: string;
  icon_emoji?: string;
}

const SEVERITY_EMOJI: Record<NotificationMessage['severity'], string> = {
  critical: ':red_circle:',
  error: ':large_orange_circle:',
  warning: ':large_yellow_circle:',
  info: ':large_blue_circle:',
};

/** Escapes Slack's three control characters; nothing else is entity-encoded. */
export function escapeSlack(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

const MAX_FIELDS = 10;

export function slackPayload(message: NotificationMessage, options: SlackOptions = {}): SlackPayload {
  const emoji = message.status === 'resolved' ? ':white_check_mark:' : SEVERITY_EMOJI[message.severity];
  const blocks: SlackBlock[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: truncate(`${message.status === 'resolved' ? 'Resolved: ' : ''}${message.title}`, 150),
        emoji: true,
      },
    },
  ];
  if (message.text.trim() !== '')
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: truncate(escapeSlack(message.text), 3000) },
    });
  const labels = Object.entries(message.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (labels.length > 0) {
    const shown = labels.slice(0, labels.length > MAX_FIELDS ? MAX_FIELDS - 1 : MAX_FIELDS);
    const fields: SlackText[] = shown.map(([k, v]) => ({
      type: 'mrkdwn',
      text: truncate(`*${escapeSlack(k)}*\n${escapeSlack(v)}`, 2000),
    }));
    if (labels.length > shown.length)
      fields.push({ type: 'mrkdwn', text: `_and ${labels.length - shown.length} more labels_` });
    blocks.push({ type: 'section', fields });
  }
  const links = message.links.filter((l) => l.url.length <= 3000).slice(0, 25);
  if (links.length > 0)
    blocks.push({
      type: 'actions',
      elements: links.map((l) => ({
        type: 'button',
        text: { type: 'plain_text', text: truncate(l.title || l.url, 75), emoji: true },
        url: l.url,
      })),
    });
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: `${emoji} *${message.status.toUpperCase()}* · severity *${message.severity}* · Headroom`,
      },
    ],
  });
  return {
    text: `${emoji} ${escapeSlack(summaryLine(message, 3000))}`,
    blocks,
    ...(options.channel && { channel: options.channel }),
    ...(options.username && { username: options.username }),
    ...(options.iconEmoji && { icon_emoji: options.iconEmoji }),
  };
}

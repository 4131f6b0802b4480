/**
 * A notification as an e-mail: a one-line subject (`[FIRING:critical] title`), a plain-text
 * part and an HTML part built from escaped text only (nothing from the message is markup).
 */
import type { NotificationMessage } from '../api/notification.js';
import { summaryLine } from './message.js';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const COLOURS: Record<NotificationMessage['severity'], string> = {
  critical: '#b42318',
  error: '#c4320a',
  warning: '#b54708',
  info: '#175cd3',
};

export function renderEmail(message: NotificationMessage): RenderedEmail {
  // Header injection is impossible through nodemailer, but a subject is one line all the same.
  const subject = summaryLine(message, 200);
  const labels = Object.entries(message.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const text = [
    `${message.status.toUpperCase()} (${message.severity}): ${message.title}`,
    '',
    ...(message.text.trim() !== '' ? [message.text, ''] : []),
    ...(labels.length > 0 ? ['Labels:', ...labels.map(([k, v]) => `  ${k}=${v}`), ''] : []),
    ...(message.links.length > 0
      ? ['Links:', ...message.links.map((l) => `  ${l.title ? `${l.title}: ` : ''}${l.url}`), '']
      : []),
    '-- ',
    'Sent by Headroom',
  ].join('\n');
  const colour = message.status === 'resolved' ? '#067647' : COLOURS[message.severity];
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif">',
    `<p style="color:${colour};font-weight:bold">${escapeHtml(message.status.toUpperCase())} · ${escapeHtml(message.severity)}</p>`,
    `<h2>${escapeHtml(message.title)}</h2>`,
    ...(message.text.trim() !== ''
      ? [`<p style="white-space:pre-wrap">${escapeHtml(message.text)}</p>`]
      : []),
    ...(labels.length > 0
      ? [
          '<table cellpadding="4">',
          ...labels.map(
            ([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`,
          ),
          '</table>',
        ]
      : []),
    ...(message.links.length > 0
      ? [
          '<ul>',
          ...message.links.map(
            (l) => `<li><a href="${escapeHtml(l.url)}">${escapeHtml(l.title || l.url)}</a></li>`,
          ),
          '</ul>',
        ]
      : []),
    '<p style="color:#667085">Sent by Headroom</p>',
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}

import { describe, expect, it } from 'vitest';
import type { NotificationMessage } from '../api/notification.js';
import { InputError } from '../errors.js';
import { renderEmail } from './email.js';
import { checkNotificationMessage, webhookBody } from './message.js';
import { slackPayload } from './slack.js';

const message: NotificationMessage = {
  title: 'Checkout availability burning <fast> & hot',
  text: 'Burn rate 14.4 over 1h and 5m. <!channel> should not ping.',
  severity: 'critical',
  status: 'firing',
  labels: { slo: 'checkout-availability', service: 'checkout' },
  links: [{ url: 'https://headroom.example.com/slos/checkout-availability', title: 'SLO' }],
};

describe('notification rendering', () => {
  it('renders a Slack incoming-webhook message with escaped mrkdwn and link buttons', () => {
    const p = slackPayload(message, { channel: '#alerts', iconEmoji: ':rotating_light:' });
    expect(p.text).toBe(
      ':red_circle: [FIRING:critical] Checkout availability burning &lt;fast&gt; &amp; hot',
    );
    expect(p.channel).toBe('#alerts');
    expect(p.icon_emoji).toBe(':rotating_light:');
    expect(p.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: message.title, emoji: true },
    });
    expect(p.blocks[1]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: 'Burn rate 14.4 over 1h and 5m. &lt;!channel&gt; should not ping.' },
    });
    expect(p.blocks[2]).toEqual({
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: '*service*\ncheckout' },
        { type: 'mrkdwn', text: '*slo*\ncheckout-availability' },
      ],
    });
    expect(p.blocks[3]).toMatchObject({
      type: 'actions',
      elements: [{ type: 'button', url: message.links[0]!.url }],
    });
  });

  it('keeps Slack elements within their limits', () => {
    const labels = Object.fromEntries(
      Array.from({ length: 30 }, (_, i) => [`k${String(i).padStart(2, '0')}`, 'v']),
    );
    const p = slackPayload({ ...message, title: 'x'.repeat(500), text: 'y'.repeat(10_000), labels });
    const header = p.blocks[0] as { text: { text: string } };
    expect(Array.from(header.text.text)).toHaveLength(150);
    expect((p.blocks[1] as { text: { text: string } }).text.text.length).toBeLessThanOrEqual(3000);
    const fields = (p.blocks[2] as { fields: { text: string }[] }).fields;
    expect(fields).toHaveLength(10);
    expect(fields[9]!.text).toBe('_and 21 more labels_');
  });

  it('renders an e-mail whose HTML carries no markup from the message', () => {
    const e = renderEmail({ ...message, status: 'resolved' });
    expect(e.subject).toBe('[RESOLVED:critical] Checkout availability burning <fast> & hot');
    expect(e.text).toContain('slo=checkout-availability');
    expect(e.text).toContain('SLO: https://headroom.example.com/slos/checkout-availability');
    expect(e.html).toContain('<h2>Checkout availability burning &lt;fast&gt; &amp; hot</h2>');
    expect(e.html).not.toContain('<fast>');
    expect(e.html).toContain('<a href="https://headroom.example.com/slos/checkout-availability">SLO</a>');
  });

  it('sends data as is as the webhook body, else the message', () => {
    expect(webhookBody('id1', 'c', { ...message, data: { receiver: 'x', alerts: [1] } })).toBe(
      '{"receiver":"x","alerts":[1]}',
    );
    expect(JSON.parse(webhookBody('id1', 'c', message))).toEqual({
      version: '1',
      id: 'id1',
      channel: 'c',
      status: 'firing',
      severity: 'critical',
      title: message.title,
      text: message.text,
      labels: message.labels,
      links: message.links,
    });
  });

  it('checks a message field by field', () => {
    expect(checkNotificationMessage(message)).toBe(message);
    try {
      checkNotificationMessage({ ...message, severity: 'page', links: [{ url: 'javascript:alert(1)' }] });
      throw new Error('expected a refusal');
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).code).toBe('INVALID_NOTIFICATION');
      expect((e as InputError).errors?.some((p) => p.path === '/message/severity')).toBe(true);
    }
    expect(() => checkNotificationMessage({ ...message, links: [{ url: 'javascript:alert(1)' }] })).toThrow(
      /links\/0\/url/,
    );
  });
});

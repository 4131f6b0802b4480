/**
 * Acknowledging pages: the API (and so the CLI), and the signed links in page notifications.
 * A link's GET only shows a confirmation page with a button (mail scanners fetch links), and its
 * POST acknowledges; expired or forged links get a 4xx page that says which.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AcknowledgeQuery, AlertGroupLog, Page } from '@headroom/core/api/paging';
import { isHeadroomError } from '@headroom/core/errors';
import { escapeHtml } from '@headroom/core/notifications/email';
import type { FastifyReply } from 'fastify';
import Type from 'typebox';
import type { AppDeps } from '../../app.js';
import { ctxOf } from '../../http/auth.js';
import { errorResponses, security } from '../../http/responses.js';
import { activeKeyId } from '../secrets/key-store.js';
import { verifyAckToken } from './ack-token.js';
import { findPage } from './repo.js';
import { acknowledgeGroup, alertGroupLog } from './service.js';

const IdParam = Type.Object({ id: Type.String({ maxLength: 100 }) });

export const pagingRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db }) => {
  app.post(
    '/alert-groups/:id/acknowledge',
    {
      schema: {
        tags: ['alerts'],
        summary: 'Acknowledge an alert group’s page',
        description:
          'Stops the escalation: no further step is paged. Any signed-in user (the person paged may be a viewer); ' +
          'audited. 409 when the group has no page, or its page is acknowledged or over already.',
        security,
        params: IdParam,
        querystring: AcknowledgeQuery,
        response: { 200: Page, ...errorResponses(404, 409) },
      },
    },
    async (request) => acknowledgeGroup(db, ctxOf(request), request.params.id, request.query.via ?? 'api'),
  );
  app.get(
    '/alert-groups/:id/log',
    {
      schema: {
        tags: ['alerts'],
        summary: 'An alert group’s page and log',
        description:
          'Page started, each step notified (why, and whom it reached), acknowledged, resolved, exhausted. ' +
          'Kept after the group itself is gone.',
        security,
        params: IdParam,
        response: { 200: AlertGroupLog, ...errorResponses(404) },
      },
    },
    async (request) => alertGroupLog(db, request.params.id),
  );
};

const html = (reply: FastifyReply, status: number, title: string, body: string) =>
  reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .send(
      `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
        `<meta name="robots" content="noindex"><title>${escapeHtml(title)} · Headroom</title></head>` +
        `<body style="font-family:sans-serif;max-width:36em;margin:3em auto"><h1>${escapeHtml(title)}</h1>${body}</body></html>`,
    );

const TokenParam = Type.Object({ token: Type.String({ maxLength: 1000 }) });

export const ackLinkRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db }) => {
  // The confirmation form posts url-encoded; its body carries nothing (the token is in the path).
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_r, _b, done) =>
    done(null, {}),
  );
  const check = async (token: string, reply: FastifyReply) => {
    const keyId = await activeKeyId(db).catch(() => null);
    const verdict = keyId === null ? null : verifyAckToken(keyId, token, Date.now());
    if (verdict === null || !verdict.valid) {
      const reason = verdict?.valid === false ? verdict.reason : 'forged';
      if (reason === 'expired')
        await html(
          reply,
          410,
          'This acknowledgement link has expired',
          '<p>Links in page notifications work for 24 hours. Acknowledge with <code>headroom ack &lt;group-id&gt;</code> or in Headroom.</p>',
        );
      else
        await html(
          reply,
          403,
          'This acknowledgement link is not valid',
          '<p>It was altered, cut short, or signed with another Headroom key. Use the link from the notification as it was sent, or <code>headroom ack &lt;group-id&gt;</code>.</p>',
        );
      return null;
    }
    const page = await findPage(db, verdict.claim.pageId);
    if (!page) {
      await html(reply, 404, 'This page no longer exists', '<p>Nothing to acknowledge.</p>');
      return null;
    }
    return { page, recipient: verdict.claim.recipient };
  };
  const schema = (summary: string) => ({
    tags: ['alerts'],
    summary,
    description:
      'The signed, expiring link in every page notification (24 h). GET shows a confirmation page and never acknowledges; ' +
      'POST acknowledges. 403 for a forged link, 410 for an expired one, 409 when there is nothing to acknowledge.',
    params: TokenParam,
    produces: ['text/html'],
  });
  app.get(
    '/ack/:token',
    { config: { public: true }, schema: schema('Confirm acknowledging a page (link in notifications)') },
    async (request, reply) => {
      const found = await check(request.params.token, reply);
      if (!found) return reply;
      const { page, recipient } = found;
      const what = `alert group <code>${escapeHtml(page.groupId)}</code> (escalation policy <b>${escapeHtml(page.policy)}</b>)`;
      if (page.status !== 'active')
        return html(
          reply,
          200,
          'Nothing to acknowledge',
          `<p>The page of ${what} is ${escapeHtml(page.status)}${page.acknowledgedBy ? ` by ${escapeHtml(page.acknowledgedBy)}` : ''}.</p>`,
        );
      return html(
        reply,
        200,
        'Acknowledge this page?',
        `<p>${what} is paging. Acknowledging stops the escalation: nobody else is paged for it.</p>` +
          `<p>You are acknowledging as <b>${escapeHtml(recipient)}</b>.</p>` +
          `<form method="post"><button type="submit" style="font-size:1.2em;padding:.5em 1.5em">Acknowledge</button></form>`,
      );
    },
  );
  app.post(
    '/ack/:token',
    { config: { public: true }, schema: schema('Acknowledge a page (link in notifications)') },
    async (request, reply) => {
      const found = await check(request.params.token, reply);
      if (!found) return reply;
      const { page, recipient } = found;
      const ctx = {
        actor: { userId: null, name: recipient, role: 'viewer' as const, teamIds: new Set<string>() },
        requestId: String(request.id),
      };
      try {
        const acked = await acknowledgeGroup(db, ctx, page.groupId, 'link');
        return html(
          reply,
          200,
          'Acknowledged',
          `<p>The page of alert group <code>${escapeHtml(page.groupId)}</code> is acknowledged by ${escapeHtml(acked.acknowledgedBy ?? recipient)}. Nobody else is paged for it.</p>`,
        );
      } catch (e) {
        if (!isHeadroomError(e) || e.status !== 409) throw e;
        return html(reply, 409, 'Nothing to acknowledge', `<p>${escapeHtml(e.message)}</p>`);
      }
    },
  );
};

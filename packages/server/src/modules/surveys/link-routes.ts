/**
 * The signed survey link from the invitation e-mail: GET /s/<token> shows a small HTML form (no
 * login), POST /s/<token> records the answer (a second one replaces the first while the round is
 * open). 403 for a forged or altered link, 410 for an expired one or a closed round.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { SurveyAnswer } from '@headroom/core/api/survey';
import { CAPABILITY_TITLES } from '@headroom/core/discovery/capabilities';
import { isHeadroomError } from '@headroom/core/errors';
import { escapeHtml } from '@headroom/core/notifications/email';
import type { FastifyReply } from 'fastify';
import Type from 'typebox';
import type { AppDeps } from '../../app.js';
import { activeKeyId } from '../secrets/key-store.js';
import type { StoredInvitation, StoredSurvey } from './repo.js';
import { findInvitation, requireSurvey, respondToInvitation } from './service.js';
import { verifySurveyToken } from './survey-token.js';

const html = (reply: FastifyReply, status: number, title: string, body: string) =>
  reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .send(
      `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
        `<meta name="robots" content="noindex"><title>${escapeHtml(title)} · Headroom</title></head>` +
        `<body style="font-family:sans-serif;max-width:40em;margin:3em auto;padding:0 1em"><h1>${escapeHtml(title)}</h1>${body}</body></html>`,
    );

const titleOf = (c: string) => CAPABILITY_TITLES[c as keyof typeof CAPABILITY_TITLES] ?? c;

function scale(name: string, from: number, to: number, low: string, high: string): string {
  const options = [];
  for (let v = from; v <= to; v++)
    options.push(
      `<label style="display:inline-block;text-align:center;margin:0 .2em"><input type="radio" name="${name}" value="${v}"><br>${v}</label>`,
    );
  return `<div><small>${escapeHtml(low)}</small> ${options.join('')} <small>${escapeHtml(high)}</small></div>`;
}

function form(survey: StoredSurvey, invitation: StoredInvitation): string {
  const blocks = survey.capabilities.map((c) => {
    const title = escapeHtml(titleOf(c));
    const parts = [`<fieldset style="margin:1em 0"><legend><b>${title}</b></legend>`];
    if (survey.questions.nps)
      parts.push(
        `<p>How likely are you to recommend ${title} to a colleague?</p>`,
        scale(`nps:${c}`, 0, 10, 'not at all likely', 'extremely likely'),
      );
    if (survey.questions.csat)
      parts.push(
        `<p>How satisfied are you with ${title}?</p>`,
        scale(`csat:${c}`, 1, 5, 'very dissatisfied', 'very satisfied'),
      );
    if (survey.questions.comment)
      parts.push(
        `<p><label>Anything to add? (optional)<br><textarea name="comment:${c}" rows="3" cols="50" maxlength="2000"></textarea></label></p>`,
      );
    parts.push('</fieldset>');
    return parts.join('');
  });
  return (
    (invitation.answeredAt !== null
      ? '<p><b>You answered already.</b> Sending this form again replaces your answer.</p>'
      : '') +
    `<p>Questions you skip are left out. Results are shown as scores only, per team only when a team has at least 3 answers; nobody sees who answered. Open until ${escapeHtml(new Date(invitation.expiresAt).toUTCString())}.</p>` +
    `<form method="post">${blocks.join('')}<button type="submit" style="font-size:1.2em;padding:.5em 1.5em">Send</button></form>`
  );
}

/** The form's fields (`nps:<capability>`, `csat:<…>`, `comment:<…>`) as API answers; blanks skipped. */
export function answersFromForm(survey: StoredSurvey, fields: URLSearchParams): SurveyAnswer[] | string {
  const out: SurveyAnswer[] = [];
  for (const c of survey.capabilities) {
    const read = (name: string, min: number, max: number): number | null | string => {
      const v = fields.get(`${name}:${c}`);
      if (v === null || v.trim() === '') return null;
      const n = Number(v);
      return Number.isInteger(n) && n >= min && n <= max
        ? n
        : `${name} for ${titleOf(c)} must be ${min}–${max}`;
    };
    const nps = read('nps', 0, 10);
    const csat = read('csat', 1, 5);
    if (typeof nps === 'string') return nps;
    if (typeof csat === 'string') return csat;
    const comment = fields.get(`comment:${c}`)?.trim() || null;
    if (nps === null && csat === null) {
      if (comment !== null) return `Please also score ${titleOf(c)}, or leave its comment empty.`;
      continue;
    }
    out.push({ capability: c as SurveyAnswer['capability'], nps, csat, comment });
  }
  return out.length === 0 ? 'Answer at least one question.' : out;
}

const TokenParam = Type.Object({ token: Type.String({ maxLength: 1000 }) });

export const surveyLinkRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db }) => {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_r, body, done) =>
    done(null, new URLSearchParams(body as string)),
  );
  const check = async (token: string, reply: FastifyReply) => {
    const keyId = await activeKeyId(db).catch(() => null);
    const verdict = keyId === null ? null : verifySurveyToken(keyId, token, Date.now());
    const expired = () =>
      html(
        reply,
        410,
        'This survey has closed',
        '<p>The round this link belongs to is over. Thank you all the same — the next round will come with a new link.</p>',
      );
    if (verdict === null || !verdict.valid) {
      if (verdict?.valid === false && verdict.reason === 'expired') await expired();
      else
        await html(
          reply,
          403,
          'This survey link is not valid',
          '<p>It was altered, cut short, or signed with another Headroom key. Use the link from the e-mail as it was sent, or answer in Headroom.</p>',
        );
      return null;
    }
    const invitation = await findInvitation(db, verdict.claim.invitationId);
    if (!invitation) {
      await html(reply, 404, 'This survey no longer exists', '<p>Nothing to answer.</p>');
      return null;
    }
    if (invitation.expiresAt <= Date.now()) {
      await expired();
      return null;
    }
    return { invitation, survey: await requireSurvey(db, invitation.surveyId) };
  };
  const schema = (summary: string) => ({
    tags: ['surveys'],
    summary,
    description:
      'The signed link in every survey invitation, valid until its round closes. GET shows the form; POST ' +
      '(application/x-www-form-urlencoded: nps:<capability>, csat:<capability>, comment:<capability>) records the ' +
      'answer, replacing an earlier one in the same round. 403 for a forged link, 410 for an expired one.',
    params: TokenParam,
    produces: ['text/html'],
  });
  app.get(
    '/s/:token',
    { config: { public: true }, schema: schema('Survey form (link in invitations)') },
    async (request, reply) => {
      const found = await check(request.params.token, reply);
      if (!found) return reply;
      return html(reply, 200, found.survey.title, form(found.survey, found.invitation));
    },
  );
  app.post(
    '/s/:token',
    { config: { public: true }, schema: schema('Answer a survey (link in invitations)') },
    async (request, reply) => {
      const found = await check(request.params.token, reply);
      if (!found) return reply;
      const fields = request.body instanceof URLSearchParams ? request.body : new URLSearchParams();
      const answers = answersFromForm(found.survey, fields);
      if (typeof answers === 'string')
        return html(
          reply,
          400,
          'Not sent yet',
          `<p>${escapeHtml(answers)}</p>${form(found.survey, found.invitation)}`,
        );
      try {
        const receipt = await respondToInvitation(db, found.invitation, answers, String(request.id));
        return html(
          reply,
          200,
          'Thank you',
          `<p>Your answer to “${escapeHtml(found.survey.title)}” is recorded${receipt.replaced ? ', replacing the one you gave before' : ''}.</p>`,
        );
      } catch (e) {
        if (!isHeadroomError(e) || e.status >= 500) throw e;
        return html(reply, e.status, 'Not recorded', `<p>${escapeHtml(e.message)}</p>`);
      }
    },
  );
};

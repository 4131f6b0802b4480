/**
 * The demo's discovery board, through the public API only and as the people themselves: each
 * author files their feedback item and each voter votes with their own token (created by the
 * admin for this start, revoked at its end); the platform team (dave) moves items along the
 * workflow, merges the duplicate and records the interviews; opportunities of demo/discovery.yaml
 * get their links; everyone answers round 1 of the platform pulse survey.
 *
 * Restart-safe: items are found again by title and interviews by summary, votes and comments
 * that are there already are not sent again, an item only moves forward along its path, and the
 * survey is only sent and answered while round 1 lacks answers. A start with nothing to do
 * creates no token.
 */
import type { TokenCreated } from '@headroom/core/api/auth';
import type { FeedbackItem, FeedbackSummary, Interview } from '@headroom/core/api/feedback';
import type { Survey, SurveyResponseReceipt } from '@headroom/core/api/survey';
import { HeadroomClient } from '../client.js';
import { ApiError } from '../errors.js';
import {
  type DemoFeedback,
  FEEDBACK,
  INTERVIEWS,
  OPPORTUNITY_FEEDBACK,
  SURVEY,
  SURVEY_ANSWERS,
} from './discovery-data.js';

const DAY_MS = 86_400_000;
/** The platform team's editor who triages feedback and runs the interviews. */
const TRIAGE = 'dave';

export interface DiscoveryLoad {
  items: number;
  created: number;
  interviews: number;
  surveyAnswers: number;
  ms: number;
}

/** Clients acting as demo users, with tokens made on first use and revoked by `close`. */
class People {
  readonly #admin: HeadroomClient;
  readonly #clients = new Map<string, Promise<HeadroomClient>>();
  readonly #tokens: string[] = [];

  constructor(admin: HeadroomClient) {
    this.#admin = admin;
  }

  /** One token per person, also when several requests ask for it at once. */
  as(user: string): Promise<HeadroomClient> {
    let client = this.#clients.get(user);
    if (!client) {
      client = this.#admin
        .request<TokenCreated>('POST', '/tokens', {
          body: { name: 'headroom demo: discovery board', user, expiresInDays: 1 },
        })
        .then((created) => {
          this.#tokens.push(created.info.id);
          return new HeadroomClient({ server: this.#admin.server, token: created.token });
        });
      this.#clients.set(user, client);
    }
    return client;
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.#clients.values());
    await Promise.all(
      this.#tokens.map((id) =>
        this.#admin.request('DELETE', `/tokens/${encodeURIComponent(id)}`).catch(() => undefined),
      ),
    );
  }
}

const path = (id: string) => `/feedback/${encodeURIComponent(id)}`;

export async function loadDiscovery(
  client: HeadroomClient,
  anchor: number,
  now = Date.now(),
): Promise<DiscoveryLoad> {
  const began = performance.now();
  const people = new People(client);
  try {
    const ids = new Map<string, string>();
    let created = 0;
    const stored = [
      ...(await client.request<FeedbackSummary[]>('GET', '/feedback', { query: { limit: 1000 } })),
      ...(await client.request<FeedbackSummary[]>('GET', '/feedback', {
        query: { limit: 1000, status: 'duplicate' },
      })),
    ];
    // Filed one after the other, so a new demo numbers them FB-1 … FB-15 in this order; then the
    // votes, comments and status changes of all items side by side.
    const items: FeedbackItem[] = [];
    for (const spec of FEEDBACK) {
      const found = stored.find((s) => s.title === spec.title);
      const item = found
        ? await client.request<FeedbackItem>('GET', path(found.id))
        : await fileItem(people, spec).then((i) => {
            created++;
            return i;
          });
      ids.set(spec.key, item.id);
      items.push(item);
    }
    await Promise.all(
      FEEDBACK.map(async (spec, i) => {
        await voteAndComment(people, spec, items[i]!);
        await moveAlong(people, spec, items[i]!);
      }),
    );
    for (const spec of FEEDBACK) {
      if (!spec.duplicateOf) continue;
      const id = ids.get(spec.key)!;
      const item = await client.request<FeedbackItem>('GET', path(id));
      if (item.status !== 'duplicate')
        await (await people.as(TRIAGE)).request('POST', `${path(id)}/merge`, {
          body: { into: ids.get(spec.duplicateOf)! },
        });
    }

    const interviews = await client.request<Interview[]>('GET', '/interviews', { query: { limit: 1000 } });
    const interviewIds = new Map<string, string>();
    for (const spec of INTERVIEWS) {
      const found = interviews.find((i) => i.summary === spec.summary);
      const interview =
        found ??
        (await (
          await people.as(TRIAGE)
        ).request<Interview>('POST', '/interviews', {
          body: {
            team: spec.team,
            interviewer: spec.interviewer,
            participants: spec.participants,
            heldAt: new Date(Math.min(now, anchor) - spec.daysAgo * DAY_MS).toISOString(),
            summary: spec.summary,
            notes: spec.notes,
            feedback: spec.feedback.map((k) => ids.get(k)!),
            opportunities: spec.opportunities,
          },
        }));
      interviewIds.set(spec.summary, interview.id);
    }
    // The tree's YAML leaves links out, so these stay; linking again answers 200 and changes nothing.
    for (const [opportunity, keys] of Object.entries(OPPORTUNITY_FEEDBACK)) {
      const linked = [
        ...keys.map((k) => ids.get(k)!),
        ...INTERVIEWS.filter((i) => i.opportunities.includes(opportunity)).map(
          (i) => interviewIds.get(i.summary)!,
        ),
      ];
      await Promise.all(
        linked.map((id) =>
          client.request('POST', `/discovery/opportunities/${opportunity}/links`, { body: { id } }),
        ),
      );
    }

    const surveyAnswers = await answerSurvey(client, people);
    return {
      items: FEEDBACK.length,
      created,
      interviews: INTERVIEWS.length,
      surveyAnswers,
      ms: performance.now() - began,
    };
  } finally {
    await people.close();
  }
}

async function fileItem(people: People, spec: DemoFeedback): Promise<FeedbackItem> {
  return (await people.as(spec.author)).request<FeedbackItem>('POST', '/feedback', {
    body: {
      kind: spec.kind,
      title: spec.title,
      body: spec.body,
      capability: spec.capability,
      ...(spec.services ? { services: spec.services } : {}),
      ...(spec.team ? { team: spec.team } : {}),
      ...(spec.tags ? { tags: spec.tags } : {}),
      ...(spec.board ? { board: spec.board } : {}),
      ...(spec.page ? { page: spec.page } : {}),
    },
  });
}

async function voteAndComment(people: People, spec: DemoFeedback, item: FeedbackItem): Promise<void> {
  // A merged duplicate's voters moved to the item it was merged into.
  if (item.status === 'duplicate') return;
  for (const [user, pain] of spec.votes)
    if (!item.voters.some((v) => v.voter === user))
      await (await people.as(user)).request('POST', `${path(item.id)}/votes`, {
        body: pain === null ? {} : { pain },
      });
  for (const [user, body] of spec.comments ?? [])
    if (!item.comments.some((c) => c.author === user && c.body === body))
      await (await people.as(user)).request('POST', `${path(item.id)}/comments`, { body: { body } });
}

/** Takes the item through the steps of its path it has not reached yet. */
async function moveAlong(people: People, spec: DemoFeedback, item: FeedbackItem): Promise<void> {
  const steps = spec.path ?? [];
  const at = steps.findIndex(([status]) => status === item.status);
  if (at === -1 && item.status !== 'open') return;
  for (const [status, note] of steps.slice(at + 1))
    await (await people.as(TRIAGE)).request('POST', `${path(item.id)}/status`, {
      body: note === null ? { status } : { status, note },
    });
}

/** Creates the survey, sends round 1 and has everyone answer it while it lacks answers. */
async function answerSurvey(client: HeadroomClient, people: People): Promise<number> {
  let survey: Survey;
  try {
    survey = await client.request<Survey>('GET', `/surveys/${SURVEY.name}`);
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) throw error;
    survey = await (await people.as(TRIAGE)).request<Survey>('POST', '/surveys', { body: SURVEY });
  }
  if (survey.rounds === 0) await (await people.as(TRIAGE)).request('POST', `/surveys/${survey.id}/send`);
  else if (
    survey.rounds > 1 ||
    (survey.lastRound?.responded ?? 0) >= Object.keys(SURVEY_ANSWERS).length ||
    Date.parse(survey.lastRound?.closesAt ?? '') <= Date.now()
  )
    return survey.lastRound?.responded ?? 0;
  // Answering again in the same round replaces the answer: an interrupted start is safe to rerun.
  const receipts = await Promise.all(
    Object.entries(SURVEY_ANSWERS).map(async ([user, answers]) => {
      const body = {
        answers: SURVEY.capabilities.map((capability, i) => {
          const [nps, csat, comment] = answers[i]!;
          return { capability, nps, csat, ...(comment ? { comment } : {}) };
        }),
      };
      return (await people.as(user)).request<SurveyResponseReceipt>(
        'POST',
        `/surveys/${survey.id}/responses`,
        {
          body,
        },
      );
    }),
  );
  return receipts.length;
}

/**
 * A survey's results per round and capability, through core's satisfaction maths (which also
 * decides which team rows are withheld). Nothing here reads who answered: responses carry only
 * their team.
 */
import type { SurveyResults, SurveyResultsQuery } from '@headroom/core/api/survey';
import { CAPABILITY_TITLES } from '@headroom/core/discovery/capabilities';
import {
  ANONYMITY_RULE,
  CSAT_FORMULA,
  NPS_FORMULA,
  sliceResult,
} from '@headroom/core/discovery/satisfaction';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { respondedPerRound, responsesOf, roundsOf } from './repo.js';
import { requireSurvey, roundView } from './service.js';

export async function surveyResults(
  db: Kysely<Database>,
  idOrName: string,
  query: SurveyResultsQuery,
): Promise<SurveyResults> {
  const survey = await requireSurvey(db, idOrName);
  let rounds = await roundsOf(db, [survey.id]);
  if (query.round !== undefined) rounds = rounds.filter((r) => r.number === query.round);
  rounds = rounds.slice(-(query.limit ?? 20));
  const ids = rounds.map((r) => r.id);
  const [responses, responded] = await Promise.all([
    responsesOf(db, ids, query.capability),
    respondedPerRound(db, ids),
  ]);
  const capabilities =
    query.capability === undefined
      ? survey.capabilities
      : survey.capabilities.filter((c) => c === query.capability);
  return {
    survey: survey.id,
    name: survey.name,
    title: survey.title,
    formulas: { nps: NPS_FORMULA, csat: CSAT_FORMULA, anonymity: ANONYMITY_RULE },
    rounds: rounds.map((round) => ({
      ...roundView(round, responded.get(round.id) ?? 0),
      capabilities: capabilities.map((capability) => {
        const slice = responses.filter((r) => r.roundId === round.id && r.capability === capability);
        const result = sliceResult(slice);
        return {
          capability,
          title: CAPABILITY_TITLES[capability as keyof typeof CAPABILITY_TITLES] ?? capability,
          respondents: result.respondents,
          shown: result.shown,
          nps: result.nps,
          csat: result.csat,
          // Sorted, so their order says nothing about when (or by whom) they were written.
          comments: result.shown
            ? slice
                .map((r) => r.comment)
                .filter((c): c is string => c !== null)
                .sort()
            : [],
          teams: result.teams,
        };
      }),
    })),
  };
}

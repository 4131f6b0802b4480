/** Measuring satisfaction (0024_surveys): surveys, rounds, invitations, responses. */

/** A survey; id SRV-<seq>. */
export interface SurveysTable {
  id: string;
  seq: number;
  name: string;
  title: string;
  questions: string; // JSON: { nps: boolean, csat: boolean, comment: boolean }
  capabilities: string; // JSON array of platform capability names
  audience: string; // JSON: { kind: 'all' } | { kind: 'teams', teams: string[] }
  schedule_weeks: number | null;
  response_days: number;
  next_round_at: number | null;
  created_by: string;
  created_at: number;
  updated_at: number;
}

/** One sending of a survey, numbered 1, 2, … per survey. */
export interface SurveyRoundsTable {
  id: string;
  survey_id: string;
  number: number;
  started_at: number;
  closes_at: number;
  started_by: string; // user name or 'schedule'
  invited: number;
  mailed: number;
}

/** One per person and round; the signed link names it. */
export interface SurveyInvitationsTable {
  id: string;
  round_id: string;
  survey_id: string;
  user_name: string;
  email: string | null;
  team: string | null;
  expires_at: number;
  answered_at: number | null;
  created_at: number;
}

/** One per invitation and capability; carries the team, never the person. */
export interface SurveyResponsesTable {
  id: string;
  survey_id: string;
  round_id: string;
  invitation_id: string;
  capability: string;
  nps: number | null;
  csat: number | null;
  comment: string | null;
  team: string | null;
  at: number;
}

export interface SurveyTables {
  surveys: SurveysTable;
  survey_rounds: SurveyRoundsTable;
  survey_invitations: SurveyInvitationsTable;
  survey_responses: SurveyResponsesTable;
}

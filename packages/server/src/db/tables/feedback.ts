/** Hearing users (0022_feedback): feedback items, votes, comments, status history, interviews. */

/** A feedback item; id FB-<seq>. */
export interface FeedbackItemsTable {
  id: string;
  seq: number;
  kind: string; // pain-point | request | question | praise
  title: string;
  body: string; // Markdown
  services: string; // JSON array of service names
  capability: string | null;
  team: string | null;
  author: string; // user name
  tags: string; // JSON array
  board: string | null;
  page: string | null;
  status: string; // open | under-review | planned | in-progress | done | declined | duplicate
  duplicate_of: string | null;
  status_note: string | null;
  created_at: number;
  updated_at: number;
  closed_at: number | null;
}

/** One vote per person per item; pain 1–5 or null. */
export interface FeedbackVotesTable {
  item_id: string;
  voter: string;
  pain: number | null;
  created_at: number;
}

export interface FeedbackCommentsTable {
  id: string;
  item_id: string;
  author: string;
  body: string;
  created_at: number;
}

/** An item's status history, append-only. */
export interface FeedbackStatusChangesTable {
  id: string;
  item_id: string;
  from_status: string | null;
  to_status: string;
  note: string | null;
  actor: string;
  at: number;
  notified: string | null; // JSON {reached: string[], unreachable: {user, reason}[]}
}

/** Interview notes; id INT-<seq>. */
export interface InterviewsTable {
  id: string;
  seq: number;
  team: string;
  interviewer: string;
  participants: string; // JSON array of names
  held_at: number;
  summary: string;
  notes: string; // Markdown
  created_by: string;
  created_at: number;
  updated_at: number;
}

/** Interview → feedback item or opportunity. */
export interface InterviewLinksTable {
  interview_id: string;
  target_kind: string; // feedback | opportunity
  target_id: string;
}

export interface FeedbackTables {
  feedback_items: FeedbackItemsTable;
  feedback_votes: FeedbackVotesTable;
  feedback_comments: FeedbackCommentsTable;
  feedback_status_changes: FeedbackStatusChangesTable;
  interviews: InterviewsTable;
  interview_links: InterviewLinksTable;
}

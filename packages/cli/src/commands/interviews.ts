import type { Interview, InterviewCadence } from '@headroom/core/api/feedback';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { collect, integer } from '../options.js';
import { time } from '../output.js';
import { when } from './schedules.js';

/** `headroom interviews …`: notes of user interviews and the weekly habit. */
export function registerInterviews(program: Command, ctx: CliContext): void {
  const interviews = program
    .command('interviews')
    .description('User interviews: record what a team said, link it to feedback, keep the weekly habit')
    .addHelpText(
      'after',
      `
Examples:
  $ headroom interviews add --team payments --summary "Alert fatigue on checkout" --participant Wen --feedback FB-12
  $ headroom interviews list --team payments --since -30d
  $ headroom interviews cadence --weeks 8`,
    );

  interviews
    .command('add')
    .description('Record an interview (editors and admins); prints its id')
    .requiredOption('--team <name>', 'the team heard from')
    .requiredOption('--summary <text>', 'one line: what you learned')
    .option('--notes <markdown>', 'the notes')
    .option('--participant <name>', 'who was interviewed (repeatable)', collect)
    .option('--interviewer <user>', 'who interviewed (default: you)')
    .option('--held-at <time>', 'when (default now)', (v) => when(v))
    .option('--feedback <id>', 'a feedback item it supports (repeatable)', collect)
    .option('--opportunity <id>', 'an opportunity it supports (repeatable)', collect)
    .action(
      async (o: {
        team: string;
        summary: string;
        notes?: string;
        participant?: string[];
        interviewer?: string;
        heldAt?: string;
        feedback?: string[];
        opportunity?: string[];
      }) => {
        const out = ctx.output();
        const iv = await ctx.client().request<Interview>('POST', '/interviews', {
          body: {
            team: o.team,
            summary: o.summary,
            ...(o.notes !== undefined && { notes: o.notes }),
            ...(o.participant && { participants: o.participant }),
            ...(o.interviewer && { interviewer: o.interviewer }),
            ...(o.heldAt && { heldAt: o.heldAt }),
            ...(o.feedback && { feedback: o.feedback }),
            ...(o.opportunity && { opportunities: o.opportunity }),
          },
        });
        out.result(iv, (x) => out.line(x.id));
        out.note(`Recorded ${iv.id} with ${iv.team}.`);
      },
    );

  interviews
    .command('list')
    .alias('ls')
    .description('List interviews, most recent first')
    .option('--team <name>', 'with this team')
    .option('--interviewer <user>', 'by this interviewer')
    .option('--feedback <id>', 'linked to this feedback item')
    .option('--since <time>', 'held at or after', (v) => when(v))
    .option('--until <time>', 'held before', (v) => when(v))
    .option('--limit <n>', 'at most this many (default 200)', integer(1, 1000))
    .action(
      async (o: {
        team?: string;
        interviewer?: string;
        feedback?: string;
        since?: string;
        until?: string;
        limit?: number;
      }) => {
        const out = ctx.output();
        const list = await ctx.client().request<Interview[]>('GET', '/interviews', { query: o });
        out.result(list, (rows) =>
          out.table(
            ['ID', 'HELD', 'TEAM', 'INTERVIEWER', 'SUMMARY', 'FEEDBACK'],
            rows.map((i) => [i.id, time(i.heldAt), i.team, i.interviewer, i.summary, i.feedback]),
            'no interviews',
          ),
        );
      },
    );

  interviews
    .command('cadence')
    .description('Interviews and teams heard from per week, and the teams not heard from')
    .option('--weeks <n>', 'how many weeks, this one included (default 8)', integer(1, 104))
    .action(async (o: { weeks?: number }) => {
      const out = ctx.output();
      const c = await ctx.client().request<InterviewCadence>('GET', '/interviews/cadence', { query: o });
      out.result(c, (x) => {
        out.table(
          ['WEEK OF', 'INTERVIEWS', 'TEAMS'],
          x.weeks.map((w) => [w.weekStart, w.interviews, w.teams]),
          'no weeks',
        );
        out.line();
        out.line(`Weeks with interviews: ${x.weeksWithInterviews} of ${x.weeks.length}`);
        out.line(
          `Not heard from: ${x.notHeardFrom.length ? x.notHeardFrom.join(', ') : 'none: every team was heard from'}`,
        );
      });
    });
}

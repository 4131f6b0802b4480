import type { PlatformAdoption, SendSurveyResult, Survey, SurveyResults } from '@headroom/core/api/survey';
import { PLATFORM_CAPABILITIES } from '@headroom/core/discovery/capabilities';
import { type Command, Option } from 'commander';
import type { CliContext } from '../context.js';
import { collect, integer } from '../options.js';
import { time } from '../output.js';

const enc = encodeURIComponent;
const pct = (v: number | null | undefined) => (v === null || v === undefined ? '-' : `${v} %`);
const num = (v: number | null | undefined) => (v === null || v === undefined ? '-' : String(v));

function surveyTable(out: ReturnType<CliContext['output']>, rows: Survey[]): void {
  out.table(
    ['ID', 'NAME', 'CAPABILITIES', 'AUDIENCE', 'SCHEDULE', 'ROUNDS', 'LAST ROUND', 'RESPONSE RATE'],
    rows.map((s) => [
      s.id,
      s.name,
      s.capabilities.join(', '),
      s.audience.kind === 'all' ? 'all users' : s.audience.teams.join(', '),
      s.scheduleWeeks === null
        ? 'by hand'
        : `every ${s.scheduleWeeks} week${s.scheduleWeeks === 1 ? '' : 's'}`,
      s.rounds,
      s.lastRound ? `#${s.lastRound.number} ${time(s.lastRound.startedAt)}` : '-',
      pct(s.responseRate),
    ]),
    'no surveys',
  );
}

/** `headroom surveys …`: NPS/CSAT surveys about platform capabilities. */
export function registerSurveys(program: Command, ctx: CliContext): void {
  const surveys = program
    .command('surveys')
    .alias('survey')
    .description('Satisfaction surveys (NPS, CSAT) about platform capabilities: create, send, read results')
    .addHelpText(
      'after',
      `
Capabilities: ${PLATFORM_CAPABILITIES.join(', ')}.
NPS = % promoters (9–10) − % detractors (0–6); CSAT = % of answers 4–5 on 1–5 (mean shown too).
Per-team results appear only for teams with at least 3 answers; nobody's answers are shown by name.

Examples:
  $ headroom surveys create q4-pulse --title "Q4 platform pulse" --capability slos --capability on-call --nps --csat
  $ headroom surveys create oncall --title "On-call check" --capability on-call --csat --team ops --every 4
  $ headroom surveys send q4-pulse
  $ headroom surveys results q4-pulse
  $ headroom platform adoption`,
    );

  surveys
    .command('create')
    .description('Create a survey; prints its id')
    .argument('<name>', 'a short name (lower-case letters, digits, hyphens)')
    .requiredOption('--title <text>', 'the title people see')
    .requiredOption('--capability <name>', 'a capability it asks about (repeatable)', collect)
    .option('--nps', 'ask "How likely are you to recommend … to a colleague?" (0–10)')
    .option('--csat', 'ask "How satisfied are you with …?" (1–5)')
    .option('--no-comment', 'do not offer a comment field')
    .option('--team <team>', 'send to the members of this team (repeatable; default: all users)', collect)
    .option('--every <weeks>', 'send a round every N weeks (default: by hand only)', integer(1, 52))
    .option('--response-days <days>', 'how long each round stays open (default 14)', integer(1, 90))
    .action(
      async (
        name: string,
        o: {
          title: string;
          capability: string[];
          nps?: boolean;
          csat?: boolean;
          comment: boolean;
          team?: string[];
          every?: number;
          responseDays?: number;
        },
      ) => {
        const out = ctx.output();
        const s = await ctx.client().request<Survey>('POST', '/surveys', {
          body: {
            name,
            title: o.title,
            questions: { nps: o.nps ?? false, csat: o.csat ?? false, comment: o.comment },
            capabilities: o.capability,
            audience: o.team?.length ? { kind: 'teams', teams: o.team } : { kind: 'all' },
            ...(o.every !== undefined && { scheduleWeeks: o.every }),
            ...(o.responseDays !== undefined && { responseDays: o.responseDays }),
          },
        });
        out.result(s, (x) => out.line(x.id));
        out.note(
          `Created ${s.id} (${s.name}). ${s.scheduleWeeks === null ? `Send a round with: headroom surveys send ${s.name}` : `First round due ${time(s.nextRoundAt)}.`}`,
        );
      },
    );

  surveys
    .command('list')
    .description('List surveys with their response rates')
    .addOption(
      new Option('--capability <name>', 'only surveys asking about this capability').choices(
        PLATFORM_CAPABILITIES,
      ),
    )
    .option('--limit <n>', 'at most this many (default 200)', integer(1, 1000))
    .action(async (o: { capability?: string; limit?: number }) => {
      const out = ctx.output();
      const rows = await ctx.client().request<Survey[]>('GET', '/surveys', {
        query: { capability: o.capability, limit: o.limit },
      });
      out.result(rows, (x) => surveyTable(out, x));
    });

  surveys
    .command('send')
    .description('Send a round now: one e-mailed link per person in the audience')
    .argument('<survey>', 'survey id (SRV-<n>) or name')
    .action(async (survey: string) => {
      const out = ctx.output();
      const r = await ctx.client().request<SendSurveyResult>('POST', `/surveys/${enc(survey)}/send`);
      out.result(r, (x) =>
        out.details([
          ['Survey', x.survey],
          ['Round', x.round.number],
          ['Invited', x.round.invited],
          ['E-mailed', x.round.mailed],
          ['Closes', time(x.round.closesAt)],
          ['No e-mail address (answer in the UI)', x.withoutEmail.join(', ') || '-'],
        ]),
      );
    });

  surveys
    .command('results')
    .description('NPS and CSAT per round and capability, per team where at least 3 answered')
    .argument('<survey>', 'survey id (SRV-<n>) or name')
    .option('--round <n>', 'only this round', integer(1, 1_000_000))
    .addOption(new Option('--capability <name>', 'only this capability').choices(PLATFORM_CAPABILITIES))
    .action(async (survey: string, o: { round?: number; capability?: string }) => {
      const out = ctx.output();
      const r = await ctx.client().request<SurveyResults>('GET', `/surveys/${enc(survey)}/results`, {
        query: { round: o.round, capability: o.capability },
      });
      out.result(r, (x) => {
        out.line(`${x.survey} ${x.title}`);
        const rows = x.rounds.flatMap((round) =>
          round.capabilities.flatMap((c) => [
            [
              `#${round.number}`,
              c.capability,
              '(all)',
              c.respondents,
              num(c.nps.score),
              pct(c.csat.score),
              num(c.csat.mean),
              c.shown ? '' : 'fewer than 3 answers',
            ],
            ...c.teams.map((t) =>
              t.withheld
                ? ['', '', t.team, '-', '-', '-', '-', t.reason]
                : ['', '', t.team, t.respondents, num(t.nps.score), pct(t.csat.score), num(t.csat.mean), ''],
            ),
          ]),
        );
        out.table(
          ['ROUND', 'CAPABILITY', 'TEAM', 'ANSWERS', 'NPS', 'CSAT', 'MEAN', 'NOTE'],
          rows,
          'no rounds sent yet',
        );
        out.line();
        out.line(x.formulas.nps);
        out.line(x.formulas.csat);
      });
    });
}

/** `headroom platform adoption`: the platform-as-a-product panel. */
export function registerPlatform(program: Command, ctx: CliContext): void {
  const platform = program
    .command('platform')
    .description('Headroom run as a product: adoption and satisfaction');
  platform
    .command('adoption')
    .description('Adoption of each capability across services and teams, satisfaction trend, open feedback')
    .option('--rounds <n>', 'survey rounds in the trend (default 24)', integer(1, 200))
    .action(async (o: { rounds?: number }) => {
      const out = ctx.output();
      const r = await ctx.client().request<PlatformAdoption>('GET', '/platform/adoption', {
        query: { rounds: o.rounds },
      });
      out.result(r, (x) => {
        out.table(
          ['CAPABILITY', 'SERVICES', 'TEAMS', 'WHAT COUNTS'],
          x.capabilities.map((c) => [
            c.capability,
            !c.available ? 'n/a' : c.services === null ? '-' : `${c.services.adopted}/${c.services.total}`,
            c.available ? `${c.teams.adopted}/${c.teams.total}` : 'n/a',
            c.note ?? c.measure,
          ]),
          'no capabilities',
        );
        out.line();
        out.table(
          ['SURVEY', 'ROUND', 'STARTED', 'CAPABILITY', 'ANSWERS', 'NPS', 'CSAT'],
          x.satisfaction.trend.map((p) => [
            p.survey,
            p.round,
            time(p.startedAt),
            p.capability,
            p.respondents,
            num(p.nps),
            pct(p.csat),
          ]),
          'no survey answers yet',
        );
        out.line();
        const statuses = Object.entries(x.feedback.byStatus)
          .map(([s, n]) => `${s} ${n}`)
          .join(', ');
        out.line(`Open feedback: ${x.feedback.open}${statuses ? ` (${statuses})` : ''}`);
        out.line(
          `Interviews since ${time(x.interviews.since)}: ${x.interviews.count} with ${x.interviews.teams} team(s)`,
        );
      });
    });
}

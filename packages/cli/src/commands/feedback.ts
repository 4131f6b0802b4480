import type { FeedbackComment, FeedbackItem, FeedbackSummary } from '@headroom/core/api/feedback';
import { CAPABILITIES } from '@headroom/core/discovery/capabilities';
import { FEEDBACK_KINDS, FEEDBACK_STATUSES } from '@headroom/core/discovery/feedback-workflow';
import { type Command, Option } from 'commander';
import type { CliContext } from '../context.js';
import { collect, integer } from '../options.js';
import { time } from '../output.js';

const enc = encodeURIComponent;
const pain = (p: number | null) => (p === null ? '-' : String(p));

function table(out: ReturnType<CliContext['output']>, rows: FeedbackSummary[]): void {
  out.table(
    ['ID', 'STATUS', 'KIND', 'VOTES', 'PAIN', 'TITLE', 'SERVICES', 'TEAM', 'AUTHOR'],
    rows.map((i) => [
      i.id,
      i.status,
      i.kind,
      i.votes,
      pain(i.meanPain),
      i.title,
      i.services,
      i.team,
      i.author,
    ]),
    'no feedback',
  );
}

function show(out: ReturnType<CliContext['output']>, x: FeedbackItem): void {
  out.details([
    ['ID', x.id],
    ['Title', x.title],
    ['Kind', x.kind],
    ['Status', x.duplicateOf ? `${x.status} of ${x.duplicateOf}` : x.status],
    ['Note', x.statusNote],
    ['Votes', `${x.votes}${x.meanPain === null ? '' : ` (mean pain ${x.meanPain})`}`],
    ['Services', x.services],
    ['Capability', x.capability],
    ['Team', x.team],
    ['Author', x.author],
    ['Tags', x.tags],
    ['Board', x.board],
    ['Filed', time(x.createdAt)],
    ['Closed', time(x.closedAt)],
    ['Duplicates', x.duplicates.map((d) => d.id)],
    ['Interviews', x.interviews],
  ]);
  if (x.body) {
    out.line();
    out.line(x.body);
  }
  if (x.voters.length > 0) {
    out.line();
    out.table(
      ['VOTER', 'PAIN', 'VOTED'],
      x.voters.map((v) => [v.voter, pain(v.pain), time(v.at)]),
      '',
    );
  }
  out.line();
  out.table(
    ['WHEN', 'STATUS', 'BY', 'NOTE', 'TOLD', 'NOT REACHED'],
    x.history.map((h) => [
      time(h.at),
      h.from ? `${h.from} → ${h.to}` : h.to,
      h.actor,
      h.note,
      h.notified?.reached ?? null,
      h.notified?.unreachable.map((u) => `${u.user} (${u.reason})`) ?? null,
    ]),
    'no history',
  );
  for (const c of x.comments) {
    out.line();
    out.line(`${c.author} at ${time(c.createdAt)}:`);
    out.line(c.body);
  }
}

/** `headroom feedback …`: tell the platform team what hurts, vote, and follow it to done. */
export function registerFeedback(program: Command, ctx: CliContext): void {
  const feedback = program
    .command('feedback')
    .description(
      'Feedback: file pain points and requests, vote, comment; the platform team moves them to done',
    )
    .addHelpText(
      'after',
      `
Statuses: open → under-review → planned → in-progress → done, or declined; duplicate by merging.
When an item is done or declined, its author and every voter get an e-mail with the team's note.
Capabilities: ${CAPABILITIES.map((c) => c.name).join(', ')}.

Examples:
  $ headroom feedback add "Deploy gate blocks hotfixes" --service checkout --capability release-gate
  $ headroom feedback list --sort votes --status open
  $ headroom feedback vote FB-12 --pain 4
  $ headroom feedback status FB-12 done --note "p0-fix changes pass the gate now"
  $ headroom feedback merge FB-15 --into FB-12`,
    );

  feedback
    .command('add')
    .description('File a feedback item; prints its id')
    .argument('<title>', 'one line: what hurts or what you need')
    .option('--service <name>', 'a catalog service it is about (repeatable)', collect)
    .addOption(new Option('--kind <kind>', 'default pain-point').choices([...FEEDBACK_KINDS]))
    .option('--body <markdown>', 'the details')
    .addOption(
      new Option('--capability <name>', 'the platform capability it is about').choices(
        CAPABILITIES.map((c) => c.name),
      ),
    )
    .option('--team <name>', 'the team it comes from (default: yours, when you are in one)')
    .option('--tag <tag>', 'a tag (repeatable)', collect)
    .option('--board <name>', 'a board to file it on')
    .action(
      async (
        title: string,
        o: {
          service?: string[];
          kind?: string;
          body?: string;
          capability?: string;
          team?: string;
          tag?: string[];
          board?: string;
        },
      ) => {
        const out = ctx.output();
        const item = await ctx.client().request<FeedbackItem>('POST', '/feedback', {
          body: {
            title,
            ...(o.service && { services: o.service }),
            ...(o.kind && { kind: o.kind }),
            ...(o.body !== undefined && { body: o.body }),
            ...(o.capability && { capability: o.capability }),
            ...(o.team && { team: o.team }),
            ...(o.tag && { tags: o.tag }),
            ...(o.board && { board: o.board }),
          },
        });
        out.result(item, (x) => out.line(x.id));
        out.note(`Filed ${item.id}: ${item.title}. You will get an e-mail when it is done or declined.`);
      },
    );

  feedback
    .command('list')
    .alias('ls')
    .description('List feedback items (duplicates only with --status duplicate)')
    .addOption(new Option('--status <status>').choices([...FEEDBACK_STATUSES]))
    .addOption(new Option('--kind <kind>').choices([...FEEDBACK_KINDS]))
    .option('--service <name>', 'about this service')
    .option('--team <name>', 'from this team')
    .addOption(new Option('--capability <name>').choices(CAPABILITIES.map((c) => c.name)))
    .option('--board <name>', 'on this board')
    .option('--tag <tag>', 'with this tag')
    .option('--author <user>', 'filed by this user')
    .option('-q, --query <words>', 'words in the title or body')
    .addOption(new Option('--sort <order>', 'default newest').choices(['votes', 'pain', 'newest']))
    .option('--limit <n>', 'at most this many (default 200)', integer(1, 1000))
    .action(
      async (o: {
        status?: string;
        kind?: string;
        service?: string;
        team?: string;
        capability?: string;
        board?: string;
        tag?: string;
        author?: string;
        query?: string;
        sort?: string;
        limit?: number;
      }) => {
        const out = ctx.output();
        const { query, ...rest } = o;
        const list = await ctx
          .client()
          .request<FeedbackSummary[]>('GET', '/feedback', { query: { ...rest, q: query } });
        out.result(list, (rows) => table(out, rows));
      },
    );

  feedback
    .command('show')
    .alias('get')
    .description('Show an item with its votes, history and comments')
    .argument('<id>', 'the item id, e.g. FB-12')
    .action(async (id: string) => {
      const out = ctx.output();
      const item = await ctx.client().request<FeedbackItem>('GET', `/feedback/${enc(id)}`);
      out.result(item, (x) => show(out, x));
    });

  feedback
    .command('vote')
    .description('Vote for an item (once; voting again changes the pain)')
    .argument('<id>', 'the item id')
    .option('--pain <1-5>', 'how much it hurts', integer(1, 5))
    .option('--remove', 'take your vote back')
    .action(async (id: string, o: { pain?: number; remove?: boolean }) => {
      const out = ctx.output();
      const item = o.remove
        ? await ctx.client().request<FeedbackItem>('DELETE', `/feedback/${enc(id)}/votes`)
        : await ctx.client().request<FeedbackItem>('POST', `/feedback/${enc(id)}/votes`, {
            body: o.pain === undefined ? {} : { pain: o.pain },
          });
      out.result(item, (x) =>
        out.line(`${x.id}: ${x.votes} vote${x.votes === 1 ? '' : 's'}, mean pain ${pain(x.meanPain)}`),
      );
    });

  feedback
    .command('comment')
    .description('Comment on an item')
    .argument('<id>', 'the item id')
    .argument('<text>', 'the comment (Markdown)')
    .action(async (id: string, text: string) => {
      const out = ctx.output();
      const c = await ctx
        .client()
        .request<FeedbackComment>('POST', `/feedback/${enc(id)}/comments`, { body: { body: text } });
      out.result(c, () => out.line(`Commented on ${id}.`));
    });

  feedback
    .command('status')
    .description('Move an item through the workflow (platform team: editors and admins)')
    .argument('<id>', 'the item id')
    .argument('<status>', FEEDBACK_STATUSES.filter((s) => s !== 'duplicate').join(' | '))
    .option('--note <text>', 'what the author and voters are told (required for done and declined)')
    .action(async (id: string, status: string, o: { note?: string }) => {
      const out = ctx.output();
      const item = await ctx.client().request<FeedbackItem>('POST', `/feedback/${enc(id)}/status`, {
        body: { status, ...(o.note !== undefined && { note: o.note }) },
      });
      const told = item.history.at(-1)?.notified;
      out.result(item, (x) => out.line(`${x.id} is ${x.status}.`));
      if (told) {
        out.note(`E-mailed ${told.reached.length ? told.reached.join(', ') : 'nobody'}.`);
        for (const u of told.unreachable) out.note(`Could not tell ${u.user}: ${u.reason}.`);
      }
    });

  feedback
    .command('merge')
    .description('Merge a duplicate into the item it duplicates (votes and voters move, each once)')
    .argument('<id>', 'the duplicate')
    .requiredOption('--into <id>', 'the item to keep')
    .action(async (id: string, o: { into: string }) => {
      const out = ctx.output();
      const kept = await ctx
        .client()
        .request<FeedbackItem>('POST', `/feedback/${enc(id)}/merge`, { body: { into: o.into } });
      out.result(kept, (x) =>
        out.line(`Merged ${id} into ${x.id}: ${x.votes} vote${x.votes === 1 ? '' : 's'} now.`),
      );
    });

  feedback
    .command('boards')
    .description('Boards with their items counted by status')
    .action(async () => {
      const out = ctx.output();
      const rows = await ctx
        .client()
        .request<{ board: string; total: number; byStatus: Record<string, number> }[]>(
          'GET',
          '/feedback/boards',
        );
      out.result(rows, (list) =>
        out.table(
          ['BOARD', 'TOTAL', ...FEEDBACK_STATUSES.map((s) => s.toUpperCase())],
          list.map((b) => [b.board, b.total, ...FEEDBACK_STATUSES.map((s) => b.byStatus[s] ?? 0)]),
          'no boards',
        ),
      );
    });
}

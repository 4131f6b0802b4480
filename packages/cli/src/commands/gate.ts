import type { GateResponse, GateVerdict, PolicyReason } from '@headroom/core/api/budget-policy';
import { type Command, CommanderError } from 'commander';
import type { CliContext } from '../context.js';
import { reportError } from '../errors.js';
import { collect } from '../options.js';

const enc = encodeURIComponent;

/** Exit codes of `headroom gate`: a CI step is one line. */
export const GATE_EXIT = { allow: 0, warn: 0, deny: 1, noVerdict: 2 } as const;

const pct = (f: number | null) => (f === null ? '-' : `${(Math.round(f * 1000) / 10).toString()} %`);

export function reasonLine(r: PolicyReason): string {
  return `  ${r.verdict.toUpperCase().padEnd(5)} ${r.message}`;
}

export function verdictHeadline(service: string, verdict: GateVerdict): string {
  if (verdict === 'deny') return `DENY: release freeze for ${service}`;
  if (verdict === 'warn') return `WARN: ${service} may ship, with a warning`;
  return `ALLOW: ${service} may ship`;
}

/** `headroom gate <service>`: asks the release gate; exit 0 allow/warn, 1 deny, 2 no verdict. */
export function registerGate(program: Command, ctx: CliContext): void {
  program
    .command('gate')
    .description(
      'Ask the release gate whether a change to a service may ship (exit 0 allow/warn, 1 deny, 2 no verdict)',
    )
    .argument('<service>', 'the catalog service')
    .option('--change-label <label>', 'a label of the change, e.g. p0-fix or security (repeatable)', collect)
    .option('--commit <sha>', 'the commit being released')
    .option('--author <name>', 'who made the change')
    .option('--release <version>', 'the version being released (--version is the CLI’s own)')
    .option('--pipeline-url <url>', 'a link to the pipeline run')
    .addHelpText(
      'after',
      `
Exit codes: 0 allow or warn, 1 deny (release freeze), 2 no verdict (server unreachable,
unknown service, bad token). Each call is recorded as a gate decision of the token's user.

Examples:
  $ headroom gate checkout --commit "$GITHUB_SHA" --author "$GITHUB_ACTOR"
  $ headroom gate checkout --change-label p0-fix`,
    )
    .action(
      async (
        service: string,
        opts: {
          changeLabel?: string[];
          commit?: string;
          author?: string;
          release?: string;
          pipelineUrl?: string;
        },
      ) => {
        const out = ctx.output();
        let answer: GateResponse;
        try {
          answer = await ctx.client().request<GateResponse>('POST', `/services/${enc(service)}/gate`, {
            body: {
              labels: opts.changeLabel ?? [],
              ...(opts.commit && { commit: opts.commit }),
              ...(opts.author && { author: opts.author }),
              ...(opts.release && { version: opts.release }),
              ...(opts.pipelineUrl && { pipelineUrl: opts.pipelineUrl }),
            },
          });
        } catch (error) {
          // Whatever kept the gate from answering — no server, unknown service, bad token — is
          // "no verdict" (2), never to be mistaken for a deny (1).
          reportError(error, ctx.io.stderr);
          out.note('error: no gate verdict was reached');
          throw new CommanderError(GATE_EXIT.noVerdict, 'headroom.gate.noVerdict', '');
        }
        out.result(answer, (a) => {
          out.line(verdictHeadline(a.service, a.verdict));
          for (const r of a.reasons) out.line(reasonLine(r));
          out.line(`decision ${a.decisionId}`);
        });
        if (answer.verdict === 'deny') {
          const first = answer.reasons.find((r) => r.verdict === 'deny');
          // A plain error: reported on stderr, exit 1 (EXIT_REFUSED).
          throw new Error(
            `the release gate denied the change${first?.slo ? ` (SLO '${first.slo}', ${pct(first.budgetRemaining)} budget left)` : ''}`,
          );
        }
      },
    );
}

import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { PostmortemDocument } from '@headroom/core/api/postmortem';
import { sectionsFromMarkdown } from '@headroom/core/incidents/draft';
import { POSTMORTEM_SECTIONS } from '@headroom/core/incidents/postmortem';
import { type Command, Option } from 'commander';
import type { CliContext } from '../context.js';
import { UsageError } from '../errors.js';

const enc = encodeURIComponent;

/** `headroom postmortem …`. */
export function registerPostmortems(program: Command, ctx: CliContext): void {
  const pm = program
    .command('postmortem')
    .alias('postmortems')
    .description("An incident's blameless postmortem: show, edit as Markdown, publish, export")
    .addHelpText(
      'after',
      `
Until it is first saved, a postmortem is a draft prefilled from the incident: summary, impact
with the error budget consumed, and the timeline. Edit it as Markdown: export it, change the
sections under their "## <title>" headings, and send it back with edit --file (only the sections
in the file change). Publishing needs Summary, Impact, Timeline and Root causes written.
-f writes to a file; -o stays the output format (table or json).

Examples:
  $ headroom postmortem export INC-12 -f INC-12.md
  $ headroom postmortem edit INC-12 --file INC-12.md --status in-review
  $ headroom postmortem publish INC-12`,
    );

  pm.command('show')
    .description('Show the postmortem (or the prefilled draft) as Markdown')
    .argument('<incident>', 'the incident id, e.g. INC-12')
    .action(async (id: string) => {
      const out = ctx.output();
      const doc = await ctx.client().request<PostmortemDocument>('GET', `/incidents/${enc(id)}/postmortem`);
      const text = await markdown(ctx, id);
      out.result(doc, () => ctx.io.stdout.write(text));
      if (!doc.stored) out.note('Not saved yet: this is the draft prefilled from the incident.');
    });

  pm.command('edit')
    .description('Replace sections from a Markdown file (as export writes it)')
    .argument('<incident>', 'the incident id')
    .requiredOption('--file <path>', 'the Markdown file; - reads stdin')
    .addOption(new Option('--status <status>', 'also set the status').choices(['draft', 'in-review']))
    .action(async (id: string, o: { file: string; status?: string }) => {
      const out = ctx.output();
      let text: string;
      try {
        text = o.file === '-' ? await ctx.readStdin() : await readFile(resolve(ctx.cwd, o.file), 'utf8');
      } catch (error) {
        throw new UsageError(`cannot read '${o.file}': ${(error as Error).message}`);
      }
      const sections = sectionsFromMarkdown(text);
      if (Object.keys(sections).length === 0)
        throw new UsageError(
          `'${o.file}' has no section headings; use "## <title>" with the titles ${POSTMORTEM_SECTIONS.map((s) => s.title).join(', ')}.`,
        );
      const saved = await ctx
        .client()
        .request<PostmortemDocument>('PUT', `/incidents/${enc(id)}/postmortem`, {
          body: { sections, ...(o.status !== undefined && { status: o.status }) },
        });
      out.result(saved, (x) => out.line(`${x.incidentId} postmortem ${x.status}`));
      out.note(`Updated ${Object.keys(sections).length} section(s).`);
    });

  pm.command('publish')
    .description('Publish the postmortem (required sections must be written)')
    .argument('<incident>', 'the incident id')
    .action(async (id: string) => {
      const out = ctx.output();
      const published = await ctx
        .client()
        .request<PostmortemDocument>('POST', `/incidents/${enc(id)}/postmortem/publish`);
      out.result(published, (x) => out.line(`${x.incidentId} postmortem published ${x.publishedAt}`));
    });

  pm.command('export')
    .description('Write the postmortem as a Markdown file (stdout without -f)')
    .argument('<incident>', 'the incident id')
    .option('-f, --file <path>', 'write to this file instead of stdout')
    .action(async (id: string, o: { file?: string }) => {
      const text = await markdown(ctx, id);
      if (!o.file) {
        ctx.io.stdout.write(text);
        return;
      }
      try {
        await writeFile(resolve(ctx.cwd, o.file), text);
      } catch (error) {
        throw new UsageError(`cannot write '${o.file}': ${(error as Error).message}`);
      }
      ctx.output().note(`wrote the postmortem of ${id} to ${o.file}`);
    });
}

function markdown(ctx: CliContext, id: string): Promise<string> {
  return ctx
    .client()
    .request<string>('GET', `/incidents/${enc(id)}/postmortem.md`, { accept: 'text/markdown' });
}

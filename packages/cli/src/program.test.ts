import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from './program.js';
import { cli } from './test-support/cli.js';

const sink = { write: () => true };

function walk(command: Command, path: string[] = []): { path: string[]; command: Command }[] {
  return command.commands.flatMap((sub) => {
    const here = [...path, sub.name()];
    return [{ path: here, command: sub }, ...walk(sub, here)];
  });
}

describe('the command tree', () => {
  const all = walk(buildProgram({ stdout: sink, stderr: sink }));

  it('has the commands of the CLI reference', () => {
    expect(all.map((c) => c.path.join(' '))).toEqual(
      expect.arrayContaining([
        'serve',
        'apply',
        'services list',
        'services get',
        'services create',
        'services update',
        'services delete',
        'services deps',
        'teams list',
        'teams get',
        'teams create',
        'teams update',
        'teams delete',
        'teams members add',
        'teams members remove',
        'users list',
        'users get',
        'users create',
        'users update',
        'users delete',
        'tokens list',
        'tokens create',
        'tokens revoke',
        'whoami',
        'audit',
        'slo list',
        'slo get',
        'slo status',
        'export openslo',
        'ingest',
        'backfill',
      ]),
    );
  });

  it.each(all.map((c) => [c.path.join(' '), c] as const))(
    '%s --help describes itself and exits 0',
    async (_, c) => {
      expect(c.command.description()).not.toBe('');
      const r = await cli([...c.path, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: headroom ${c.path.join('\\|?\\w* ')}`));
      expect(r.stdout).toContain('--server <url>');
    },
  );

  it('a group without a subcommand prints its help on stderr and exits 2', async () => {
    const r = await cli(['teams']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: headroom teams');
    expect(r.stderr).toContain('members');
  });
});

/** Reads the YAML that `apply -f` sends: files as given, directories recursively (*.yaml, *.yml, sorted). */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ApplyRequest } from '@headroom/core/api/apply';
import { UsageError } from './errors.js';

export type ApplyFile = ApplyRequest['files'][number];

const YAML = /\.ya?ml$/i;

const REASONS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  ELOOP: 'too many symbolic links',
};

function unreadable(path: string, error: unknown): UsageError {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const reason = REASONS[code] ?? (error instanceof Error ? error.message : String(error));
  return new UsageError(`cannot read '${path}': ${reason}`);
}

/** YAML files below `dir`, relative to it with '/' separators; hidden files and folders (.git, .github) are skipped. */
async function yamlFilesBelow(dir: string, relative = ''): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(join(dir, relative), { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const path = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) found.push(...(await yamlFilesBelow(dir, path)));
    else if (YAML.test(entry.name)) found.push(path);
  }
  return found;
}

/**
 * Each file keeps the path as the user wrote it (joined with the file's place below a directory),
 * so the server's errors and the plan name files the way the user knows them.
 */
export async function readApplyFiles(
  paths: string[],
  options: { cwd: string; readStdin: () => Promise<string> },
): Promise<ApplyFile[]> {
  const files: ApplyFile[] = [];
  const seen = new Set<string>();
  const add = async (shown: string, absolute: string) => {
    if (seen.has(absolute)) return;
    seen.add(absolute);
    try {
      files.push({ path: shown, content: await readFile(absolute, 'utf8') });
    } catch (error) {
      throw unreadable(shown, error);
    }
  };
  for (const path of paths) {
    if (path === '-') {
      if (seen.has('-')) continue;
      seen.add('-');
      files.push({ path: '<stdin>', content: await options.readStdin() });
      continue;
    }
    const absolute = resolve(options.cwd, path);
    let isDirectory: boolean;
    try {
      isDirectory = (await stat(absolute)).isDirectory();
    } catch (error) {
      throw unreadable(path, error);
    }
    if (!isDirectory) {
      await add(path, absolute);
      continue;
    }
    let below: string[];
    try {
      below = await yamlFilesBelow(absolute);
    } catch (error) {
      throw unreadable(path, error);
    }
    if (below.length === 0) throw new UsageError(`'${path}' holds no .yaml or .yml files`);
    const prefix = path.replace(/[\\/]+$/, '');
    for (const relative of below.sort())
      await add(prefix ? `${prefix}/${relative}` : relative, join(absolute, relative));
  }
  return files;
}

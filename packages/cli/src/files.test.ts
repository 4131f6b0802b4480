import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from './errors.js';
import { readApplyFiles } from './files.js';

let dir: string;
const noStdin = async () => {
  throw new Error('stdin should not be read');
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'headroom-files-'));
  await mkdir(join(dir, 'catalog/teams'), { recursive: true });
  await mkdir(join(dir, 'catalog/.github'), { recursive: true });
  await mkdir(join(dir, 'empty'), { recursive: true });
  await writeFile(join(dir, 'catalog/z-services.yaml'), 'kind: Component\n');
  await writeFile(join(dir, 'catalog/a.yml'), 'kind: System\n');
  await writeFile(join(dir, 'catalog/teams/payments.YAML'), 'kind: Group\n');
  await writeFile(join(dir, 'catalog/README.md'), '# not YAML\n');
  await writeFile(join(dir, 'catalog/.github/ci.yml'), 'on: push\n');
  await writeFile(join(dir, 'single.txt'), 'kind: User\n');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('readApplyFiles', () => {
  it('reads a directory recursively: *.yaml and *.yml only, sorted, hidden entries skipped', async () => {
    const files = await readApplyFiles(['catalog/'], { cwd: dir, readStdin: noStdin });
    expect(files).toEqual([
      { path: 'catalog/a.yml', content: 'kind: System\n' },
      { path: 'catalog/teams/payments.YAML', content: 'kind: Group\n' },
      { path: 'catalog/z-services.yaml', content: 'kind: Component\n' },
    ]);
  });

  it('takes a file named directly whatever its extension, keeps argument order and drops duplicates', async () => {
    const files = await readApplyFiles(['single.txt', 'catalog', 'catalog/a.yml'], {
      cwd: dir,
      readStdin: noStdin,
    });
    expect(files.map((f) => f.path)).toEqual([
      'single.txt',
      'catalog/a.yml',
      'catalog/teams/payments.YAML',
      'catalog/z-services.yaml',
    ]);
  });

  it('reads "-" from stdin', async () => {
    const files = await readApplyFiles(['-'], { cwd: dir, readStdin: async () => 'kind: Domain\n' });
    expect(files).toEqual([{ path: '<stdin>', content: 'kind: Domain\n' }]);
  });

  it('names a missing path in a usage error', async () => {
    const read = readApplyFiles(['catalog', 'missing.yaml'], { cwd: dir, readStdin: noStdin });
    await expect(read).rejects.toThrow(UsageError);
    await expect(read).rejects.toThrow("cannot read 'missing.yaml': no such file or directory");
  });

  it('refuses a directory without YAML', async () => {
    await expect(readApplyFiles(['empty'], { cwd: dir, readStdin: noStdin })).rejects.toThrow(
      "'empty' holds no .yaml or .yml files",
    );
  });

  it('says why a path cannot be read', async () => {
    await expect(readApplyFiles(['single.txt/x.yaml'], { cwd: dir, readStdin: noStdin })).rejects.toThrow(
      "cannot read 'single.txt/x.yaml': a part of the path is not a directory",
    );
  });
});

import { describe, expect, it } from 'vitest';
import { formatPath, pointerToPath, toPointer } from './path.js';
import { loadYamlFiles } from './yaml-loader.js';

const load = (content: string, path = 'catalog.yaml') => loadYamlFiles([{ path, content }]);

describe('loadYamlFiles', () => {
  it('reads every document of a multi-document file and skips empty ones', () => {
    const { documents, problems } = load(
      ['---', '# only a comment', '---', 'kind: A', '---', '---', 'kind: B', ''].join('\n'),
    );
    expect(problems).toEqual([]);
    expect(documents.map((d) => d.value)).toEqual([{ kind: 'A' }, { kind: 'B' }]);
    expect(documents.map((d) => d.line)).toEqual([4, 7]);
  });

  it('reads a top-level list as one document per item', () => {
    const { documents } = load(
      ['- kind: A', '  spec:', '    x: 1', '- kind: B', '  spec:', '    x: 2'].join('\n'),
    );
    expect(documents.map((d) => d.value)).toEqual([
      { kind: 'A', spec: { x: 1 } },
      { kind: 'B', spec: { x: 2 } },
    ]);
    expect(documents[1]!.line).toBe(4);
    expect(documents[1]!.locate(['spec', 'x'])).toEqual({ line: 6, column: 8 });
  });

  it('locates fields, list items and the deepest existing ancestor of a missing field', () => {
    const [doc] = load(
      [
        'apiVersion: v1',
        'metadata:',
        '  name: x',
        'spec:',
        '  dependsOn:',
        '    - a',
        '    - b',
        '  owner:',
      ].join('\n'),
    ).documents;
    expect(doc!.locate(['metadata', 'name'])).toEqual({ line: 3, column: 9 });
    expect(doc!.locate(['spec', 'dependsOn', 1])).toEqual({ line: 7, column: 7 });
    expect(doc!.locate(['spec', 'owner'])).toEqual({ line: 8, column: 3 });
    expect(doc!.locate(['spec', 'system'])).toEqual({ line: 4, column: 1 });
    expect(doc!.locate(['metadata', 'nope', 'deeper'])).toEqual({ line: 2, column: 1 });
  });

  it('reports invalid YAML with file, line and column and keeps the other documents', () => {
    const { documents, problems } = load(['kind: A', '---', 'kind: [B', 'x: 1'].join('\n'), 'bad.yaml');
    expect(documents.map((d) => d.value)).toEqual([{ kind: 'A' }]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ category: 'yaml', file: 'bad.yaml', line: 4, column: 1 });
    expect(problems[0]!.message).toMatch(/^invalid YAML: /);
    expect(problems[0]!.message).not.toMatch(/at line/);
  });

  it('reports duplicate keys, which YAML forbids', () => {
    const { problems } = load(['kind: A', 'metadata:', '  name: x', '  name: y'].join('\n'));
    expect(problems[0]).toMatchObject({ category: 'yaml', line: 4, column: 3 });
  });

  it('reports an alias to an unknown anchor', () => {
    const { problems } = load('kind: *nothing\n');
    expect(problems).toHaveLength(1);
    expect(problems[0]!.category).toBe('yaml');
  });

  it('collects problems from every file', () => {
    const { problems } = loadYamlFiles([
      { path: 'a.yaml', content: 'a: [' },
      { path: 'b.yaml', content: 'b: {' },
    ]);
    expect(problems.map((p) => p.file)).toEqual(['a.yaml', 'b.yaml']);
  });
});

describe('paths', () => {
  it('formats paths for people and as JSON pointers', () => {
    const path = ['metadata', 'annotations', 'headroom.dev/tier'];
    expect(formatPath(path)).toBe('metadata.annotations["headroom.dev/tier"]');
    expect(formatPath(['spec', 'dependsOn', 0])).toBe('spec.dependsOn[0]');
    expect(toPointer(path)).toBe('/metadata/annotations/headroom.dev~1tier');
    expect(pointerToPath(toPointer(path))).toEqual(path);
    expect(pointerToPath('/spec/dependsOn/0')).toEqual(['spec', 'dependsOn', 0]);
  });
});

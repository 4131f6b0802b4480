/**
 * Reads YAML text into documents that remember where each of their fields was written, so a
 * problem can be reported as `file:line:column` for a field path.
 */
import {
  type Document,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseAllDocuments,
} from 'yaml';
import type { CategorizedProblem, PathSegment, SourceDocument } from './types.js';

export interface ConfigFile {
  path: string;
  content: string;
}

export interface LoadedFiles {
  documents: SourceDocument[];
  problems: CategorizedProblem[];
}

/** yaml's messages end with " at line L, column C:" and a code excerpt; we report those apart. */
function plainMessage(message: string): string {
  const first = message.split('\n')[0] ?? message;
  return first.replace(/ at line \d+, column \d+:?$/, '');
}

/**
 * The node at `path` below `root`. When a field is missing, the key of its deepest existing
 * parent (`spec:` for a missing `spec.owner`); a key written without a value points at the key.
 */
function nodeAt(root: Node, path: readonly PathSegment[]): Node {
  let node = root;
  let keyOfNode: Node | undefined;
  for (const segment of path) {
    let next: Node | undefined;
    let key: Node | undefined;
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment),
      );
      if (pair) {
        key = pair.key as Node;
        const value = pair.value as Node | null;
        next = value && !(isScalar(value) && value.value === null) ? value : key;
      }
    } else if (isSeq(node) && typeof segment === 'number') {
      next = node.items[segment] as Node | undefined;
    }
    if (!next || !isNodeWithRange(next)) return keyOfNode ?? node;
    node = next;
    keyOfNode = key;
  }
  return node;
}

function isNodeWithRange(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && Array.isArray((value as Node).range);
}

function isEmpty(doc: Document.Parsed): boolean {
  const contents = doc.contents;
  return (
    contents === null || (isScalar(contents) && (contents.value === null || contents.value === undefined))
  );
}

function sourceDocument(file: string, root: Node, value: unknown, counter: LineCounter): SourceDocument {
  const pos = (node: Node) => {
    const { line, col } = counter.linePos(node.range?.[0] ?? 0);
    return { line, column: col };
  };
  const start = pos(root);
  return {
    file,
    line: start.line,
    column: start.column,
    value,
    locate: (path) => pos(nodeAt(root, path)),
  };
}

/**
 * Every non-empty document of every file. A file may hold several documents separated by
 * `---`, or one top-level list whose items are documents (as OpenSLO's examples are written).
 * Syntax errors are collected for all files, each with its file, line and column.
 */
export function loadYamlFiles(files: readonly ConfigFile[]): LoadedFiles {
  const documents: SourceDocument[] = [];
  const problems: CategorizedProblem[] = [];
  for (const file of files) {
    const counter = new LineCounter();
    const parsed = parseAllDocuments(file.content, { lineCounter: counter, prettyErrors: true });
    for (const doc of parsed) {
      if (doc.errors.length > 0) {
        for (const error of doc.errors) {
          const at = error.linePos?.[0];
          problems.push({
            category: 'yaml',
            path: '',
            message: `invalid YAML: ${plainMessage(error.message)}`,
            file: file.path,
            ...(at && { line: at.line, column: at.col }),
          });
        }
        continue;
      }
      if (isEmpty(doc)) continue;
      const root = doc.contents as Node;
      let value: unknown;
      try {
        value = doc.toJS({ maxAliasCount: 100 });
      } catch (e) {
        const { line, col } = counter.linePos(root.range?.[0] ?? 0);
        problems.push({
          category: 'yaml',
          path: '',
          message: `invalid YAML: ${(e as Error).message}`,
          file: file.path,
          line,
          column: col,
        });
        continue;
      }
      if (isSeq(root) && Array.isArray(value)) {
        root.items.forEach((item, i) => {
          const itemValue = value[i];
          if (itemValue === null || itemValue === undefined) return;
          documents.push(sourceDocument(file.path, isNodeWithRange(item) ? item : root, itemValue, counter));
        });
      } else {
        documents.push(sourceDocument(file.path, root, value, counter));
      }
    }
  }
  return { documents, problems };
}

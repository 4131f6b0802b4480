/**
 * From files to desired objects: load every document, validate all of them, and only then
 * either return the objects or throw one InputError that lists every problem found.
 */
import { type FieldProblem, InputError } from '../errors.js';
import { formatPath, toPointer } from './path.js';
import type { KindRegistry } from './registry.js';
import type {
  CategorizedProblem,
  ConfigWarning,
  DesiredObject,
  NormalizeContext,
  ProblemCategory,
  SourceDocument,
} from './types.js';
import { type ConfigFile, loadYamlFiles } from './yaml-loader.js';

export interface CompiledConfig {
  objects: DesiredObject[];
  warnings: ConfigWarning[];
}

/** Stable error codes; when a config has several kinds of problem, the first in this list wins. */
export const CONFIG_ERROR_CODES: Record<ProblemCategory, string> = {
  yaml: 'INVALID_YAML',
  kind: 'UNKNOWN_KIND',
  schema: 'INVALID_CONFIG',
  duplicate: 'DUPLICATE_OBJECT',
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function contextFor(
  doc: SourceDocument,
  problems: CategorizedProblem[],
  warnings: ConfigWarning[],
): NormalizeContext {
  let errorCount = 0;
  return {
    doc,
    error(path, message) {
      errorCount++;
      const at = doc.locate(path);
      problems.push({
        category: 'schema',
        path: toPointer(path),
        readable: formatPath(path),
        message,
        file: doc.file,
        ...at,
      });
    },
    warn(path, message) {
      warnings.push({ message, file: doc.file, line: doc.locate(path).line, path: toPointer(path) });
    },
    position: (path) => ({ file: doc.file, ...doc.locate(path) }),
    get errorCount() {
      return errorCount;
    },
  };
}

function normalizeDocument(
  doc: SourceDocument,
  registry: KindRegistry,
  problems: CategorizedProblem[],
  warnings: ConfigWarning[],
): DesiredObject[] {
  const problem = (category: ProblemCategory, path: string[], message: string) =>
    problems.push({
      category,
      path: toPointer(path),
      readable: formatPath(path),
      message,
      file: doc.file,
      ...doc.locate(path),
    });
  const value = doc.value;
  if (!isPlainObject(value)) {
    problem('schema', [], 'a document must be a map with apiVersion, kind and metadata');
    return [];
  }
  const { apiVersion, kind } = value;
  const supported = `supported: ${registry.describeSupported()}`;
  if (typeof apiVersion !== 'string' || apiVersion === '') {
    problem('kind', ['apiVersion'], `is required (${supported})`);
    return [];
  }
  if (typeof kind !== 'string' || kind === '') {
    problem('kind', ['kind'], `is required (${supported})`);
    return [];
  }
  const handler = registry.handlerFor(apiVersion, kind);
  if (!handler) {
    const knownVersion = registry.supported().some((s) => s.apiVersion === apiVersion);
    problem(
      'kind',
      [knownVersion ? 'kind' : 'apiVersion'],
      `unknown apiVersion/kind '${apiVersion}' '${kind}' (${supported})`,
    );
    return [];
  }
  const ctx = contextFor(doc, problems, warnings);
  const objects = handler.normalize(doc, ctx);
  return ctx.errorCount > 0 ? [] : objects;
}

function duplicates(objects: DesiredObject[]): CategorizedProblem[] {
  const first = new Map<string, DesiredObject>();
  const out: CategorizedProblem[] = [];
  for (const o of objects) {
    const earlier = first.get(o.ref);
    if (!earlier) {
      first.set(o.ref, o);
      continue;
    }
    const a = earlier.source;
    out.push({
      category: 'duplicate',
      path: '',
      message: `${o.kind} '${o.ref}' is declared twice: at ${a.file}:${a.line}:${a.column} and at ${o.source.file}:${o.source.line}:${o.source.column}`,
      file: o.source.file,
      line: o.source.line,
      column: o.source.column,
    });
  }
  return out;
}

function configError(problems: CategorizedProblem[]): InputError {
  const category = (Object.keys(CONFIG_ERROR_CODES) as ProblemCategory[]).find((c) =>
    problems.some((p) => p.category === c),
  )!;
  const errors: FieldProblem[] = problems.map(({ category: _c, readable: _r, ...p }) => p);
  const f = problems[0]!;
  const where = f.file ? `${f.file}${f.line ? `:${f.line}:${f.column ?? 1}` : ''}: ` : '';
  const field = f.readable ? `${f.readable} ` : '';
  const more =
    errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : '';
  return new InputError(`${where}${field}${f.message}${more}`, errors, CONFIG_ERROR_CODES[category]);
}

/**
 * Validates every document of every file and returns the objects they declare, after the
 * registry's cross-document passes. Throws an InputError listing every problem; nothing is
 * returned (so nothing can be written) when any document is wrong.
 */
export function compileConfig(files: readonly ConfigFile[], registry: KindRegistry): CompiledConfig {
  const { documents, problems } = loadYamlFiles(files);
  const warnings: ConfigWarning[] = [];
  const objects: DesiredObject[] = [];
  for (const doc of documents) objects.push(...normalizeDocument(doc, registry, problems, warnings));
  problems.push(...duplicates(objects));
  if (problems.length > 0) throw configError(problems);
  for (const pass of registry.passes) {
    pass(
      objects,
      (w) => warnings.push(w),
      ({ path, ...p }) =>
        problems.push({ category: 'schema', path: toPointer(path), readable: formatPath(path), ...p }),
    );
  }
  if (problems.length > 0) throw configError(problems);
  return { objects, warnings };
}

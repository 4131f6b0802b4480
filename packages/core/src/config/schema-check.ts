/**
 * Checks a value against a TypeBox schema and reports each violation at its field, with a
 * message a person can act on (`is required`, `must be a string`), not a schema dump.
 */
import type { TSchema } from 'typebox';
import Value from 'typebox/value';
import { pointerToPath } from './path.js';
import type { NormalizeContext, PathSegment } from './types.js';

/** Friendly wording for patterns, keyed by the pattern source; other patterns are quoted. */
const patternMessages = new Map<string, string>();

/** Registers how a pattern is explained, e.g. "must be 1–63 letters or digits separated by - _ .". */
export function describePattern(pattern: RegExp | string, message: string): void {
  patternMessages.set(typeof pattern === 'string' ? pattern : pattern.source, message);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  return `a ${typeof value}`;
}

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let v = root;
  for (const s of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[s as string];
  }
  return v;
}

function article(type: string): string {
  if (type === 'array') return 'a list';
  if (type === 'object') return 'a map';
  if (type === 'integer') return 'an integer';
  return `a ${type}`;
}

/**
 * Validates `value` (found at `at` in the document) and reports every problem through `ctx`.
 * Returns true when the value is valid.
 */
export function checkSchema(
  ctx: NormalizeContext,
  schema: TSchema,
  value: unknown,
  at: readonly PathSegment[] = [],
): boolean {
  const errors = Value.Errors(schema, value);
  const seen = new Set<string>();
  for (const e of errors) {
    const path = [...at, ...pointerToPath(e.instancePath)];
    const params = e.params as Record<string, unknown>;
    let message: string;
    switch (e.keyword) {
      case 'required': {
        const missing = (params.requiredProperties as string[] | undefined) ?? [];
        for (const prop of missing) report(ctx, seen, [...path, prop], 'is required');
        continue;
      }
      case 'type': {
        const expected = params.type;
        const actual = typeName(valueAt(value, pointerToPath(e.instancePath)));
        const want = Array.isArray(expected)
          ? expected.map((t) => article(String(t))).join(' or ')
          : article(String(expected));
        // `tier: 1` or `enabled: true` where a string is expected: YAML read a number or boolean.
        const scalar = actual === 'a number' || actual === 'a boolean';
        message = `must be ${want}, not ${actual}${want === 'a string' && scalar ? ' (quote the value)' : ''}`;
        break;
      }
      // `additionalProperties: false` also yields one "schema is false" per extra field.
      case 'boolean':
        continue;
      case 'additionalProperties': {
        const extra = params.additionalProperties as string[] | undefined;
        for (const prop of extra ?? []) report(ctx, seen, [...path, prop], 'is not a known field');
        continue;
      }
      case 'pattern':
        message = patternMessages.get(String(params.pattern)) ?? `must match ${String(params.pattern)}`;
        break;
      case 'minLength':
        message =
          Number(params.limit) === 1 ? 'must not be empty' : `must be at least ${params.limit} characters`;
        break;
      case 'maxLength':
        message = `must be at most ${params.limit} characters`;
        break;
      default:
        message = e.message;
    }
    report(ctx, seen, path, message);
  }
  return errors.length === 0;
}

function report(ctx: NormalizeContext, seen: Set<string>, path: PathSegment[], message: string) {
  const k = `${JSON.stringify(path)} ${message}`;
  if (seen.has(k)) return;
  seen.add(k);
  ctx.error(path, message);
}

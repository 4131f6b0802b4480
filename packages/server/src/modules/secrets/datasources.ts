/**
 * DataSource records and their credentials: the `connectionDetails` of both the normalized
 * definition and the document as written are sealed before a row is written, compared in the
 * open when apply plans, opened for polling, and redacted on export.
 */
import type { DataSource } from '@headroom/core/slo/model';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { json } from '../catalog/refs.js';
import {
  MissingSecretError,
  REDACTED,
  redactDetails,
  revealDetails,
  revealWherePossible,
  sealDetails,
  secretsOf,
} from './connection-details.js';
import { activeKeyId } from './key-store.js';
import { hasKey, isSealed, sealedKeyId } from './keyring.js';

/** The part of a stored OpenSLO record these functions touch (see slos/repo.ts). */
interface DataSourceLike {
  kind: string;
  name: string;
  definition: unknown;
  document: unknown;
}

type Details = (details: unknown) => unknown;

/** The record with `fn` applied to its definition's and its document's connectionDetails. */
function mapDetails<R extends DataSourceLike>(
  record: R,
  definitionFn: Details,
  documentFn = definitionFn,
): R {
  const definition = record.definition as { connectionDetails?: unknown };
  const document = record.document as { spec?: { connectionDetails?: unknown } } | null | undefined;
  const spec = document?.spec;
  return {
    ...record,
    definition: { ...definition, connectionDetails: definitionFn(definition.connectionDetails) },
    document:
      spec && typeof spec === 'object' && 'connectionDetails' in spec
        ? { ...document, spec: { ...spec, connectionDetails: documentFn(spec.connectionDetails) } }
        : record.document,
  };
}

const detailsOf = (record: DataSourceLike) =>
  (record.definition as { connectionDetails?: unknown }).connectionDetails;
const documentDetailsOf = (record: DataSourceLike) =>
  (record.document as { spec?: { connectionDetails?: unknown } } | null)?.spec?.connectionDetails;

/**
 * The record as it is stored: plain secrets sealed, `<redacted>` replaced by the value `held`
 * (the stored record) has at the same place, values sealed already kept.
 */
export async function sealDataSource<R extends DataSourceLike>(
  db: Kysely<Database>,
  record: R,
  held?: DataSourceLike,
): Promise<R> {
  if (record.kind !== 'DataSource') return record;
  const keyId = await activeKeyId(db);
  const heldDefinition = held ? secretsOf(detailsOf(held)) : new Map<string, unknown>();
  const heldDocument = held ? secretsOf(documentDetailsOf(held)) : new Map<string, unknown>();
  return mapDetails(
    record,
    (d) => sealDetails(d, record.name, keyId, heldDefinition),
    (d) => sealDetails(d, record.name, keyId, heldDocument),
  );
}

/**
 * Both records with their secrets in the open, to tell whether anything changed: a `<redacted>`
 * value in `desired` stands for the value held, so re-applying an export is "unchanged".
 */
export function comparableDataSources<R extends DataSourceLike>(current: R, desired: R): [R, R] {
  if (current.kind !== 'DataSource' || desired.kind !== 'DataSource') return [current, desired];
  const open = mapDetails(current, (d) => revealWherePossible(d, current.name));
  const heldDefinition = secretsOf(detailsOf(open));
  const heldDocument = secretsOf(documentDetailsOf(open));
  const fill = (held: Map<string, unknown>) => (details: unknown) => fillRedacted(details, held);
  return [open, mapDetails(desired, fill(heldDefinition), fill(heldDocument))];
}

/** `<redacted>` values replaced by the held ones, other values as they are (no sealing). */
function fillRedacted(details: unknown, held: Map<string, unknown>): unknown {
  const secrets = secretsOf(details);
  let out = details;
  for (const [path, value] of secrets) {
    if (value !== REDACTED || !held.has(path)) continue;
    out = replaceAt(out, path.split('/').slice(1), held.get(path));
  }
  return out;
}

function replaceAt(value: unknown, path: string[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path as [string, ...string[]];
  if (Array.isArray(value)) {
    const copy = [...value];
    copy[Number(head)] = replaceAt(copy[Number(head)], rest, replacement);
    return copy;
  }
  const record = value as Record<string, unknown>;
  return { ...record, [head]: replaceAt(record[head], rest, replacement) };
}

/** The DataSource's connectionDetails with every secret opened; MissingSecretError names one that cannot be. */
export function openConnectionDetails(dataSource: Pick<DataSource, 'name' | 'connectionDetails'>): unknown {
  return revealDetails(dataSource.connectionDetails, dataSource.name);
}

/** The document as written with every secret shown as `<redacted>` (for the export). */
export function redactDataSourceDocument(document: unknown): unknown {
  const spec = (document as { spec?: { connectionDetails?: unknown } } | null)?.spec;
  if (!spec || typeof spec !== 'object' || !('connectionDetails' in spec)) return document;
  return {
    ...(document as object),
    spec: { ...spec, connectionDetails: redactDetails(spec.connectionDetails) },
  };
}

/** Fields given as `<redacted>` for which `held` (the stored record, or nothing) has no value. */
export function unfilledRedactions(desired: DataSourceLike, held: DataSourceLike | undefined): string[] {
  if (desired.kind !== 'DataSource') return [];
  const stored = held ? secretsOf(detailsOf(held)) : new Map<string, unknown>();
  return [...secretsOf(detailsOf(desired))]
    .filter(([path, value]) => value === REDACTED && (!stored.has(path) || stored.get(path) === REDACTED))
    .map(([path]) => `connectionDetails${path.replaceAll('/', '.')}`);
}

/**
 * At start: seals the secrets of DataSources stored before they were encrypted, and names those
 * sealed with a key this process does not have. Returns both lists of DataSource names.
 */
export async function sealStoredDataSources(
  db: Kysely<Database>,
): Promise<{ sealed: string[]; unreadable: string[] }> {
  const rows = await db
    .selectFrom('openslo_objects')
    .select(['id', 'kind', 'name', 'definition', 'document'])
    .where('kind', '=', 'DataSource')
    .execute();
  const sealed: string[] = [];
  const unreadable: string[] = [];
  for (const row of rows) {
    const record = {
      kind: row.kind,
      name: row.name,
      definition: json.parse(row.definition),
      document: json.parse(row.document),
    };
    const values = [
      ...secretsOf(detailsOf(record)).values(),
      ...secretsOf(documentDetailsOf(record)).values(),
    ];
    if (values.some((v) => isSealed(v) && !hasKey(sealedKeyId(v)))) unreadable.push(row.name);
    if (!values.some((v) => !isSealed(v) && v !== REDACTED)) continue;
    const next = await sealDataSource(db, record, record);
    await db
      .updateTable('openslo_objects')
      .set({ definition: json.stringify(next.definition), document: json.stringify(next.document) })
      .where('id', '=', row.id)
      .execute();
    sealed.push(row.name);
  }
  return { sealed, unreadable };
}

export { MissingSecretError, REDACTED };

/** Everything the CLI prints goes through here: tables and details for people, JSON for programs. */
import Table from 'cli-table3';

export type Format = 'table' | 'json';
export const FORMATS: Format[] = ['table', 'json'];

export interface Writer {
  write(text: string): unknown;
}

export type Cell = string | number | boolean | null | undefined | readonly string[];

const BORDERLESS = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '  ',
};

export function cell(value: Cell): string {
  if (value === null || value === undefined || value === '') return '-';
  if (Array.isArray(value)) return value.length === 0 ? '-' : value.join(', ');
  return String(value);
}

/** An ISO timestamp without milliseconds, or '-' for none. */
export function time(iso: string | null | undefined): string {
  return iso ? iso.replace(/\.\d+Z$/, 'Z') : '-';
}

/** `name` in the default namespace, `namespace/name` elsewhere. */
export function qualified(entity: { name: string; namespace: string }): string {
  return entity.namespace === 'default' ? entity.name : `${entity.namespace}/${entity.name}`;
}

export class Output {
  constructor(
    readonly format: Format,
    private readonly stdout: Writer,
    private readonly stderr: Writer,
  ) {}

  /** A line on stdout. */
  line(text = ''): void {
    this.stdout.write(`${text}\n`);
  }

  /** A message for the person at the terminal, on stderr so that stdout stays parseable. */
  note(text: string): void {
    this.stderr.write(`${text}\n`);
  }

  json(value: unknown): void {
    this.line(JSON.stringify(value, null, 2));
  }

  /** Prints `value` as JSON with --output json, otherwise calls `render` for people. */
  result<T>(value: T, render: (value: T) => void): void {
    if (this.format === 'json') this.json(value);
    else render(value);
  }

  /** A borderless, column-aligned table (like kubectl's), or `empty` when there are no rows. */
  table(head: string[], rows: Cell[][], empty: string): void {
    if (rows.length === 0) {
      this.line(empty);
      return;
    }
    const table = new Table({
      head,
      chars: BORDERLESS,
      style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
    });
    for (const row of rows) table.push(row.map(cell));
    for (const line of table.toString().split('\n')) this.line(line.trimEnd());
  }

  /** Label/value lines of one object, labels aligned. */
  details(pairs: [label: string, value: Cell][]): void {
    const width = Math.max(...pairs.map(([label]) => label.length)) + 2;
    for (const [label, value] of pairs) this.line(`${`${label}:`.padEnd(width)}${cell(value)}`);
  }
}

/** Option parsers shared by the commands; a bad value becomes a usage error (exit 2) through commander. */
import { InvalidArgumentError } from 'commander';

/** For repeatable options: `--tag a --tag b` → ['a', 'b']. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function integer(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`Expected a whole number from ${min} to ${max}.`);
    return n;
  };
}

/** `--link runbook=https://…` → { type: 'runbook', url }; a bare URL has no type. */
export function link(value: string, previous: { url: string; type?: string }[] | undefined) {
  const match = /^([a-z][a-z0-9-]*)=(.+)$/.exec(value);
  const parsed = match ? { type: match[1]!, url: match[2]! } : { url: value };
  if (!/^[a-z][a-z0-9+.-]*:/i.test(parsed.url))
    throw new InvalidArgumentError('Expected TYPE=URL, e.g. runbook=https://wiki.example.com/payments.');
  return [...(previous ?? []), parsed];
}

/** The object without its undefined fields, so a PATCH leaves what was not given alone. */
export function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

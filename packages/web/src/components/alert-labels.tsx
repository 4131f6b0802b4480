/** Labels as chips, and Alertmanager-style matchers for filtering and silences. */

export type Labels = Record<string, string>;

/** Label chips; names in `emphasise` (the group labels) get an accent border. */
export function LabelChips({
  labels,
  emphasise,
  skip,
}: {
  labels: Labels;
  emphasise?: Labels;
  skip?: readonly string[];
}) {
  const entries = Object.entries(labels)
    .filter(([k]) => !skip?.includes(k))
    .sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return <span className="muted">no labels</span>;
  return (
    <span className="label-chips">
      {entries.map(([k, v]) => (
        <span key={k} className={`label-chip${emphasise && k in emphasise ? ' group-label' : ''}`}>
          <b>{k}</b>={v}
        </span>
      ))}
    </span>
  );
}

/** `{service: 'checkout'}` → `['service="checkout"']`, quoted as Alertmanager reads them. */
export function labelsToMatchers(labels: Labels): string[] {
  return Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
}

export interface Matcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
  regex?: RegExp;
}

const MATCHER = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*"|[^,]*?)\s*(?:,|$)/;

/**
 * Parses `service=checkout, severity=~"crit.*"` (braces optional) into matchers; throws with a
 * readable message on bad input. Regexes are anchored, as in Alertmanager.
 */
export function parseMatchers(text: string): Matcher[] {
  let rest = text.trim();
  if (rest.startsWith('{') && rest.endsWith('}')) rest = rest.slice(1, -1);
  const out: Matcher[] = [];
  while (rest.trim() !== '') {
    const m = MATCHER.exec(rest);
    if (!m)
      throw new Error(
        `Cannot read a matcher at “${rest.trim().slice(0, 30)}”; write name=value, name!=value, name=~regex or name!~regex`,
      );
    const [, name = '', op = '=', raw = ''] = m;
    const value = raw.startsWith('"') ? (JSON.parse(raw) as string) : raw;
    const matcher: Matcher = { name, op: op as Matcher['op'], value };
    if (op === '=~' || op === '!~') {
      try {
        matcher.regex = new RegExp(`^(?:${value})$`);
      } catch {
        throw new Error(`Bad regular expression in ${name}${op}${raw}`);
      }
    }
    out.push(matcher);
    rest = rest.slice(m[0].length);
  }
  return out;
}

export function matches(labels: Labels, matcher: Matcher): boolean {
  const v = labels[matcher.name] ?? '';
  switch (matcher.op) {
    case '=':
      return v === matcher.value;
    case '!=':
      return v !== matcher.value;
    case '=~':
      return matcher.regex?.test(v) ?? false;
    case '!~':
      return !(matcher.regex?.test(v) ?? false);
  }
}

export const matchesAll = (labels: Labels, matchers: readonly Matcher[]) =>
  matchers.every((m) => matches(labels, m));

/**
 * Alertmanager's label matchers (`alertname="X"`, `severity!="info"`, `team=~"pay.*"`,
 * `env!~"dev|test"`), parsed as Alertmanager's classic parser (pkg/labels/parse.go) accepts them:
 *
 * - a list is comma-separated, with an optional leading `{` and trailing `}`; commas inside double
 *   quotes do not separate; a trailing comma is allowed; `""` and `{}` are no matchers at all;
 * - a matcher is a label name (`[a-zA-Z_:][a-zA-Z0-9_:]*`), an operator and a value, each with
 *   any whitespace around it; the value may be double-quoted (then `\"`, `\n`, `\\` are escapes
 *   and a stray `\x` stays as written) or bare (then trailing whitespace is dropped);
 * - a regular expression is anchored at both ends, `^(?:…)$`, as Alertmanager compiles it.
 *
 * Go's RE2 and JavaScript regular expressions differ in corners; see `compileRegex`. Errors carry
 * the 1-based position in the text given, so a CLI or config error can point at the character.
 */

export type MatchType = '=' | '!=' | '=~' | '!~';

export interface Matcher {
  name: string;
  type: MatchType;
  value: string;
}

export type Labels = Readonly<Record<string, string>>;

/** A valid Prometheus label name, as group_by and equal lists need. */
export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export class MatcherParseError extends Error {
  /** 1-based position (in characters) of the problem in the text parsed. */
  readonly position: number;

  constructor(position: number, message: string) {
    super(`position ${position}: ${message}`);
    this.name = 'MatcherParseError';
    this.position = position;
  }
}

// Go's `\s` is [\t\n\f\r ] only (no vertical tab, no Unicode spaces).
const WS = '[\\t\\n\\f\\r ]';
const MATCHER = new RegExp(
  `^${WS}*([a-zA-Z_:][a-zA-Z0-9_:]*)${WS}*(=~|=|!=|!~)${WS}*([\\s\\S]*?)${WS}*$`,
  'd',
);
const LEADING_WS = new RegExp(`^${WS}*`);
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * One matcher. `offset` is the 0-based position of `text` within a longer input, so errors name
 * the position in what the user wrote.
 */
export function parseMatcher(text: string, offset = 0): Matcher {
  const m = MATCHER.exec(text);
  const start = offset + (LEADING_WS.exec(text)?.[0].length ?? 0) + 1;
  if (!m) {
    throw new MatcherParseError(
      start,
      `bad matcher format '${text.trim()}': expected a label name, one of = != =~ !~ and a value, e.g. alertname="HighLatency"`,
    );
  }
  const name = m[1]!;
  const type = m[2] as MatchType;
  let raw = m[3]!;
  // 0-based position of the value in the whole input.
  const valueStart = offset + m.indices![3]![0];
  if (raw === '') {
    throw new MatcherParseError(
      valueStart + 1,
      `the value of '${name}' is missing: write ${name}${type}"" to match an empty or absent label`,
    );
  }
  let expectTrailingQuote = false;
  let rawOffset = 0;
  if (raw.startsWith('"')) {
    raw = raw.slice(1);
    rawOffset = 1;
    expectTrailingQuote = true;
  }
  if (LONE_SURROGATE.test(raw)) {
    throw new MatcherParseError(valueStart + 1, `the value of '${name}' is not valid UTF-8`);
  }
  const chars = Array.from(raw);
  let value = '';
  let escaped = false;
  let at = 0;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    const last = i === chars.length - 1;
    if (escaped) {
      escaped = false;
      if (c === 'n') value += '\n';
      else if (c === '"' || c === '\\') value += c;
      // A spurious escape keeps its backslash.
      else value += `\\${c}`;
    } else if (c === '\\') {
      if (!last) escaped = true;
      else value += '\\';
    } else if (c === '"') {
      if (!expectTrailingQuote || !last) {
        throw new MatcherParseError(
          valueStart + rawOffset + at + 1,
          `unescaped double quote in the value of '${name}': write \\" for a quote inside a quoted value`,
        );
      }
      expectTrailingQuote = false;
    } else value += c;
    at += c.length;
  }
  if (expectTrailingQuote) {
    throw new MatcherParseError(
      valueStart + 1,
      `the value of '${name}' opens a double quote that is never closed`,
    );
  }
  const matcher: Matcher = { name, type, value };
  if (type === '=~' || type === '!~') {
    try {
      compileRegex(value);
    } catch (error) {
      throw new MatcherParseError(
        valueStart + 1,
        `invalid regular expression for '${name}': ${(error as Error).message}`,
      );
    }
  }
  return matcher;
}

/** A comma-separated list of matchers, with or without braces (see the module comment). */
export function parseMatchers(text: string): Matcher[] {
  let s = text;
  let offset = 0;
  if (s.startsWith('{')) {
    s = s.slice(1);
    offset = 1;
  }
  if (s.endsWith('}')) s = s.slice(0, -1);
  const tokens: { text: string; offset: number }[] = [];
  let insideQuotes = false;
  let escaped = false;
  let token = '';
  let tokenStart = 0;
  let pos = 0;
  for (const c of s) {
    if (c === ',' && !insideQuotes) {
      tokens.push({ text: token, offset: offset + tokenStart });
      token = '';
      pos += c.length;
      tokenStart = pos;
      continue;
    }
    // The same quote tracking as Alertmanager's, including its corner cases.
    if (c === '"') {
      if (!escaped) insideQuotes = !insideQuotes;
      else escaped = false;
    } else if (c === '\\') escaped = !escaped;
    else if (c !== ',') escaped = false;
    token += c;
    pos += c.length;
  }
  if (token.trim() !== '') tokens.push({ text: token, offset: offset + tokenStart });
  return tokens.map((t) => parseMatcher(t.text, t.offset));
}

/** Matchers from several strings, each one matcher or a list. */
export function parseMatcherList(texts: readonly string[]): Matcher[] {
  return texts.flatMap((t) => parseMatchers(t));
}

// ---- printing

/** OpenMetrics escaping, as Alertmanager prints a matcher value. */
function escapeValue(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('\n', '\\n').replaceAll('"', '\\"');
}

/** `name="value"` as Alertmanager prints it (and parses it back to the same matcher). */
export function matcherToString(m: Matcher): string {
  return `${m.name}${m.type}"${escapeValue(m.value)}"`;
}

/** `{a="b",c=~"d"}` in the order given, as Alertmanager's Matchers.String. */
export function matchersToString(matchers: readonly Matcher[]): string {
  return `{${matchers.map(matcherToString).join(',')}}`;
}

/** Compares strings by code point, which is the byte order of their UTF-8 (Go's string order). */
export function compareCodePoints(a: string, b: string): number {
  const ai = a[Symbol.iterator]();
  const bi = b[Symbol.iterator]();
  for (;;) {
    const x = ai.next();
    const y = bi.next();
    if (x.done) return y.done ? 0 : -1;
    if (y.done) return 1;
    const d = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}

const TYPE_ORDER: Record<MatchType, number> = { '=': 0, '!=': 1, '=~': 2, '!~': 3 };

/** Alertmanager's order of matchers (name, then value, then type): routes sort theirs so. */
export function sortMatchers(matchers: readonly Matcher[]): Matcher[] {
  return [...matchers].sort(
    (a, b) =>
      compareCodePoints(a.name, b.name) ||
      compareCodePoints(a.value, b.value) ||
      TYPE_ORDER[a.type] - TYPE_ORDER[b.type],
  );
}

// ---- regular expressions

const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

/**
 * Translates the RE2 syntax Alertmanager configs use into JavaScript: leading flags `(?i)`,
 * `(?s)`, `(?m)`; named groups `(?P<n>…)`; `\A` and `\z`; POSIX classes `[[:alpha:]]`. What RE2
 * refuses and JavaScript would accept (lookaround, backreferences) is refused, so a matcher
 * Headroom accepts is one Alertmanager accepts too.
 */
function translateRe2(pattern: string): { source: string; flags: string } {
  let source = pattern;
  let flags = '';
  const lead = /^\(\?([imsU]+)\)/.exec(source);
  if (lead) {
    if (lead[1]!.includes('U')) throw new Error('the ungreedy flag (?U) is not supported');
    flags = [...new Set(lead[1]!)].join('');
    source = source.slice(lead[0].length);
  }
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      const n = source[i + 1];
      if (n === undefined) throw new Error('trailing backslash');
      if (!inClass && /[1-9]/.test(n)) throw new Error(`backreferences (\\${n}) are not supported by RE2`);
      if (!inClass && n === 'A') out += '^';
      else if (!inClass && n === 'z') out += '$';
      else if (n === 'Q' || n === 'C') throw new Error(`\\${n} is not supported`);
      else out += c + n;
      i++;
      continue;
    }
    if (inClass) {
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(source.slice(i));
      if (posix) {
        const range = POSIX_CLASSES[posix[2]!];
        if (!range) throw new Error(`unknown character class [:${posix[2]}:]`);
        if (posix[1]) throw new Error(`negated POSIX classes ([:^${posix[2]}:]) are not supported`);
        out += range;
        i += posix[0].length - 1;
        continue;
      }
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      // A ']' right after '[' or '[^' is a literal in RE2.
      const neg = source[i + 1] === '^';
      if (neg) {
        out += '^';
        i++;
      }
      if (source[i + 1] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (c === '(' && source[i + 1] === '?') {
      const rest = source.slice(i + 2);
      if (rest.startsWith('P<')) {
        out += '(?<';
        i += 3;
        continue;
      }
      if (/^(=|!|<=|<!)/.test(rest)) throw new Error('lookaround assertions are not supported by RE2');
      if (/^[imsU-]+[:)]/.test(rest))
        throw new Error('inline flags are only supported at the very start of the pattern, e.g. (?i)');
    }
    out += c;
  }
  return { source: out, flags };
}

const regexCache = new Map<string, RegExp>();
const REGEX_CACHE_MAX = 10_000;

/** The anchored JavaScript RegExp for an Alertmanager regex matcher value; throws when invalid. */
export function compileRegex(value: string): RegExp {
  const cached = regexCache.get(value);
  if (cached) return cached;
  const { source, flags } = translateRe2(value);
  const anchored = `^(?:${source})$`;
  let re: RegExp;
  try {
    // Unicode mode matches code points as RE2 matches runes; some escapes RE2 allows (\_) only
    // work without it.
    re = new RegExp(anchored, `${flags}u`);
  } catch {
    try {
      re = new RegExp(anchored, flags);
    } catch (error) {
      throw new Error((error as Error).message.replace(/^Invalid regular expression: /, ''));
    }
  }
  if (regexCache.size >= REGEX_CACHE_MAX) regexCache.clear();
  regexCache.set(value, re);
  return re;
}

// ---- matching

/** Does the matcher accept this value? An absent label is the empty string, as in Alertmanager. */
export function matchesValue(m: Matcher, value: string): boolean {
  switch (m.type) {
    case '=':
      return value === m.value;
    case '!=':
      return value !== m.value;
    case '=~':
      return compileRegex(m.value).test(value);
    case '!~':
      return !compileRegex(m.value).test(value);
  }
}

/** Do all matchers accept the label set? No matchers accept everything. */
export function matches(matchers: readonly Matcher[], labels: Labels): boolean {
  for (const m of matchers) {
    const value = Object.hasOwn(labels, m.name) ? labels[m.name]! : '';
    if (!matchesValue(m, value)) return false;
  }
  return true;
}

/**
 * A positive matcher (`=`, `=~`) that accepts the empty string: a silence made only of these
 * would match alerts without the label, so Alertmanager refuses it.
 */
export function matchesEmpty(m: Matcher): boolean {
  return (m.type === '=' || m.type === '=~') && matchesValue(m, '');
}

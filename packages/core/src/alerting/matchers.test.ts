import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Matcher,
  MatcherParseError,
  matchersToString,
  matcherToString,
  matches,
  matchesEmpty,
  parseMatcher,
  parseMatchers,
  sortMatchers,
} from './matchers.js';

const m = (name: string, type: Matcher['type'], value: string): Matcher => ({ name, type, value });

function parseError(text: string): MatcherParseError {
  try {
    parseMatchers(text);
  } catch (error) {
    if (error instanceof MatcherParseError) return error;
    throw error;
  }
  throw new Error(`expected '${text}' to be refused`);
}

describe('parseMatchers: the inputs Alertmanager accepts (pkg/labels/parse_test.go)', () => {
  it.each([
    ['{foo="bar"}', [m('foo', '=', 'bar')]],
    ['{foo=~"bar.*"}', [m('foo', '=~', 'bar.*')]],
    ['{foo!="bar"}', [m('foo', '!=', 'bar')]],
    ['{foo!~"bar.*"}', [m('foo', '!~', 'bar.*')]],
    ['{foo="bar", baz!="quux"}', [m('foo', '=', 'bar'), m('baz', '!=', 'quux')]],
    [
      '{foo="bar",baz!~".*quux", derp="wat"}',
      [m('foo', '=', 'bar'), m('baz', '!~', '.*quux'), m('derp', '=', 'wat')],
    ],
    ['{foo="bar", instance=~"some-api.*"}', [m('foo', '=', 'bar'), m('instance', '=~', 'some-api.*')]],
    ['{foo=""}', [m('foo', '=', '')]],
    ['{foo="bar,quux", job="job1"}', [m('foo', '=', 'bar,quux'), m('job', '=', 'job1')]],
    ['{foo = "bar", dings != "bums", }', [m('foo', '=', 'bar'), m('dings', '!=', 'bums')]],
    ['foo=bar,dings!=bums', [m('foo', '=', 'bar'), m('dings', '!=', 'bums')]],
    [
      String.raw`{quote="She said: \"Hi, ladies! That's gender-neutral…\""}`,
      [m('quote', '=', `She said: "Hi, ladies! That's gender-neutral…"`)],
    ],
    ['statuscode=~"5.."', [m('statuscode', '=~', '5..')]],
    ['tricky=~~~', [m('tricky', '=~', '~~')]],
    [String.raw`trickier==\\=\=\"`, [m('trickier', '=', String.raw`=\=\="`)]],
    [
      String.raw`contains_quote != "\"" , contains_comma !~ "foo,bar" , `,
      [m('contains_quote', '!=', '"'), m('contains_comma', '!~', 'foo,bar')],
    ],
    ['alertname="X"', [m('alertname', '=', 'X')]],
    ['job:rate5m=~"a|b"', [m('job:rate5m', '=~', 'a|b')]],
    ['a="line\\nbreak"', [m('a', '=', 'line\nbreak')]],
    ['a=" padded "', [m('a', '=', ' padded ')]],
    ['a = bare value  ', [m('a', '=', 'bare value')]],
    ['', []],
    ['{}', []],
  ])('%s', (input, want) => {
    expect(parseMatchers(input)).toEqual(want);
  });
});

describe('parseMatchers: what Alertmanager refuses, with the position of the problem', () => {
  it.each([
    ['job=', 5, /value of 'job' is missing/],
    ['job="value', 5, /never closed/],
    ['job=value"', 10, /unescaped double quote/],
    [String.raw`trickier==\\=\=\""`, 18, /unescaped double quote/],
    ['contains_unescaped_quote = foo"bar', 31, /unescaped double quote/],
    ['{invalid-name = "valid label"}', 2, /bad matcher format 'invalid-name = "valid label"'/],
    ['{foo=~"invalid[regexp"}', 7, /invalid regular expression for 'foo'/],
    [String.raw`"{foo=\"bar"}`, 1, /bad matcher format/],
    [String.raw`"foo=\"bar\""`, 1, /bad matcher format/],
    ['a="b", c d, e="f"', 8, /bad matcher format 'c d'/],
    ['a="b",,c="d"', 7, /bad matcher format ''/],
    ['a=~"(?=x)"', 4, /lookaround/],
    ['a=~"(a)\\1"', 4, /backreferences/],
  ])('%s', (input, position, message) => {
    const e = parseError(input);
    expect(e.position).toBe(position);
    expect(e.message).toMatch(message);
    expect(e.message).toMatch(new RegExp(`^position ${position}: `));
  });
});

describe('matching', () => {
  const labels = { alertname: 'HighLatency', severity: 'page', team: 'payments', code: '503' };

  it('anchors regular expressions at both ends, as ^(?:…)$', () => {
    expect(matches(parseMatchers('team=~"pay"'), labels)).toBe(false);
    expect(matches(parseMatchers('team=~"pay.*"'), labels)).toBe(true);
    expect(matches(parseMatchers('code=~"5.."'), labels)).toBe(true);
    expect(matches(parseMatchers('code=~"5|503"'), labels)).toBe(true); // the group keeps | inside the anchors
    expect(matches(parseMatchers('code=~"0|3"'), labels)).toBe(false);
    expect(matches(parseMatchers('team!~"pay.*|search"'), labels)).toBe(false);
  });

  it('treats an absent label as the empty string', () => {
    expect(matches(parseMatchers('env=""'), labels)).toBe(true);
    expect(matches(parseMatchers('env!="prod"'), labels)).toBe(true);
    expect(matches(parseMatchers('env=~".*"'), labels)).toBe(true);
    expect(matches(parseMatchers('env=~".+"'), labels)).toBe(false);
    expect(matches(parseMatchers('env!=""'), labels)).toBe(false);
  });

  it('requires every matcher; no matchers match everything', () => {
    expect(matches(parseMatchers('{severity="page", team="payments"}'), labels)).toBe(true);
    expect(matches(parseMatchers('{severity="page", team="search"}'), labels)).toBe(false);
    expect(matches([], {})).toBe(true);
  });

  it('reads RE2 flags, named groups and POSIX classes', () => {
    expect(matches(parseMatchers('alertname=~"(?i)highlatency"'), labels)).toBe(true);
    expect(matches(parseMatchers('alertname=~"(?P<first>High)Latency"'), labels)).toBe(true);
    expect(matches(parseMatchers('code=~"[[:digit:]]+"'), labels)).toBe(true);
    expect(matches(parseMatchers('team=~"[[:upper:]]+"'), labels)).toBe(false);
    expect(matches(parseMatchers('code=~"\\A503\\z"'), labels)).toBe(true);
    expect(() => parseMatcher('a=~"x(?i)y"')).toThrow(/only supported at the very start/);
  });

  it('knows which matchers match the empty string (silence validation)', () => {
    expect(parseMatchers('a="", b=~".*", c=~"x|", d!="", e!~".+", f="x", g=~".+"').map(matchesEmpty)).toEqual(
      [true, true, true, false, false, false, false],
    );
  });
});

describe('printing', () => {
  it('prints matchers as Alertmanager does, escaping \\, newline and "', () => {
    expect(matcherToString(m('a', '=~', 'x"y\\z\nw'))).toBe(String.raw`a=~"x\"y\\z\nw"`);
    expect(matchersToString(parseMatchers('b!=2, a=1'))).toBe('{b!="2",a="1"}');
  });

  it('sorts by name, then value, then type (=, !=, =~, !~)', () => {
    const sorted = sortMatchers(parseMatchers('b="1", a!~"x", a=~"x", a="x", a!="x", a="w"'));
    expect(matchersToString(sorted)).toBe('{a="w",a="x",a!="x",a=~"x",a!~"x",b="1"}');
  });

  const name = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,8}$/);
  const value = fc.string({ unit: 'grapheme', maxLength: 12 });
  const type = fc.constantFrom<Matcher['type']>('=', '!=');

  it('parses what it prints back to the same matchers (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(name, type, value), { maxLength: 5 }), (list) => {
        const matchers = list.map(([n, t, v]) => m(n, t, v));
        expect(parseMatchers(matchersToString(matchers))).toEqual(matchers);
        for (const one of matchers) expect(parseMatcher(matcherToString(one))).toEqual(one);
      }),
    );
  });

  it('an = matcher matches exactly its value, != exactly the others (property)', () => {
    fc.assert(
      fc.property(name, value, value, (n, v, other) => {
        expect(matches([m(n, '=', v)], { [n]: other })).toBe(v === other);
        expect(matches([m(n, '!=', v)], { [n]: other })).toBe(v !== other);
      }),
    );
  });

  it('a regex of an escaped literal matches only that literal (property)', () => {
    const escapeRegex = (s: string) => s.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
    fc.assert(
      fc.property(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }), (v, other) => {
        const matcher = m('a', '=~', escapeRegex(v));
        expect(matches([matcher], { a: v })).toBe(true);
        expect(matches([matcher], { a: other })).toBe(v === other);
      }),
    );
  });
});

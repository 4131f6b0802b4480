import { describe, expect, it } from 'vitest';
import { checkPromql, hasWindowPlaceholder, type PromqlCheck, renderWindow } from './promql.js';

function firstError(check: PromqlCheck) {
  if (check.ok) throw new Error('expected the query to be refused');
  return check.errors[0];
}

describe('checkPromql', () => {
  it.each([
    'http_requests_total',
    'sum(rate(http_requests_total{job="api",code!~"5.."}[5m]))',
    'sum by (code) (increase(http_requests_total[1h] offset 1d))',
    'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))',
    'sum(rate(x[5m])) / sum(rate(y[5m])) > bool 0.99',
    'sum(rate(x[{{.window}}])) or vector(0)',
    'sum(rate(x[{{ .window }}]))',
    'max_over_time(sum(rate(x[1m]))[{{.window}}:30s])',
    'quantile_over_time(0.9, x[5m])',
    '1',
    'x{a="1"}\n  + on (a) y',
    '# a comment\nx',
  ])('accepts %s', (query) => {
    expect(checkPromql(query)).toEqual({ ok: true });
  });

  it('reports an unclosed call at the end, 1-based', () => {
    expect(firstError(checkPromql('rate(x[5m]'))).toEqual({
      message: 'unexpected end of the query',
      from: 10,
      to: 10,
      line: 1,
      column: 11,
    });
  });

  it('names an unexpected token where it stands', () => {
    expect(firstError(checkPromql('sum(x) +* 2'))).toMatchObject({
      message: 'unexpected "*"',
      from: 8,
      column: 9,
    });
    expect(firstError(checkPromql('x{a="1"}\n  + '))).toMatchObject({ line: 2, column: 5 });
  });

  it('names an unknown function', () => {
    expect(firstError(checkPromql('sum(ratee(x[5m]))'))).toMatchObject({
      message: 'unknown function "ratee"',
      from: 4,
      to: 9,
    });
  });

  it('refuses an empty query', () => {
    expect(firstError(checkPromql('  '))?.message).toBe('the query is empty');
  });

  it('applies the type rules of Prometheus: range vectors only where a function takes one', () => {
    expect(firstError(checkPromql('rate(http_requests_total)'))).toMatchObject({
      message: 'rate() needs a range vector such as x[5m] as argument 1, got an instant vector',
      from: 5,
      to: 24,
    });
    expect(firstError(checkPromql('quantile_over_time(0.5, x)'))?.message).toContain('argument 2');
    expect(firstError(checkPromql('abs(x[5m])'))?.message).toBe(
      'abs() does not take a range vector as argument 1',
    );
    expect(firstError(checkPromql('sum(x[5m])'))?.message).toContain(
      'an aggregation takes an instant vector',
    );
    expect(firstError(checkPromql('x[5m] + 1'))?.message).toContain('a binary operator');
    expect(firstError(checkPromql('(x[5m])'))?.message).toContain('gives a range vector');
    expect(firstError(checkPromql('"text"'))?.message).toContain('gives a string');
    expect(checkPromql('rate((x[5m]))')).toEqual({ ok: true });
  });

  describe('{{.window}}', () => {
    it('is allowed only as the range of a selector or subquery', () => {
      expect(checkPromql('x[5m:{{.window}}]').ok).toBe(false); // result is a range vector
      expect(checkPromql('sum_over_time(x[{{.window}}:{{.window}}])')).toEqual({ ok: true });
      expect(firstError(checkPromql('x offset {{.window}}'))).toMatchObject({
        message: '{{.window}} may only stand for the range of a selector or subquery, as in x[{{.window}}]',
        from: 9,
        to: 20,
        column: 10,
      });
      expect(firstError(checkPromql('x{a="{{.window}}"}'))?.message).toContain(
        'may only stand for the range',
      );
    });

    it('keeps error positions in the query as written', () => {
      // `[{{.window}}]` is 11 characters longer than `[5m]` was; the error after it is where it is written.
      expect(firstError(checkPromql('rate(x[{{.window}}]) +* 2'))).toMatchObject({
        from: 22,
        to: 23,
        column: 23,
      });
      expect(firstError(checkPromql('rate(x[{{ .window }}]'))).toMatchObject({ from: 21, column: 22 });
      expect(firstError(checkPromql('x + {{.window}}'))).toMatchObject({ from: 4, to: 15 });
    });

    it('is detected and rendered with any PromQL duration', () => {
      expect(hasWindowPlaceholder('rate(x[{{ .window }}])')).toBe(true);
      expect(hasWindowPlaceholder('rate(x[5m])')).toBe(false);
      expect(renderWindow('rate(x[{{.window}}]) / rate(y[{{ .window }}])', '1m')).toBe(
        'rate(x[1m]) / rate(y[1m])',
      );
      expect(renderWindow('rate(x[{{.window}}])', '1h30m')).toBe('rate(x[1h30m])');
      expect(() => renderWindow('x', '5 minutes')).toThrow('not a PromQL duration');
    });
  });
});

import { describe, expect, it } from 'vitest';
import {
  type InhibitionCandidate,
  type InhibitRule,
  inhibitedBy,
  inhibitions,
  SLO_PAGE_INHIBITS_TICKET,
} from './inhibit.js';
import { parseMatchers } from './matchers.js';

describe('inhibition', () => {
  // The example of Alertmanager's configuration docs.
  const criticalMutesWarning: InhibitRule = {
    name: 'critical-mutes-warning',
    sourceMatchers: parseMatchers('severity="critical"'),
    targetMatchers: parseMatchers('severity="warning"'),
    equal: ['alertname'],
  };
  const alert = (
    fingerprint: string,
    labels: Record<string, string>,
    firing = true,
  ): InhibitionCandidate => ({
    fingerprint,
    labels,
    firing,
  });

  it('mutes a target while a firing source has the same equal labels', () => {
    const critical = alert('c', { alertname: 'DiskFull', severity: 'critical', instance: 'a' });
    const warning = { alertname: 'DiskFull', severity: 'warning', instance: 'b' };
    expect(inhibitedBy(warning, [criticalMutesWarning], [critical])).toEqual({
      rule: 'critical-mutes-warning',
      by: 'c',
    });
    // Another alertname: not equal.
    expect(inhibitedBy({ ...warning, alertname: 'CpuHigh' }, [criticalMutesWarning], [critical])).toBeNull();
    // A resolved source does not mute.
    expect(inhibitedBy(warning, [criticalMutesWarning], [{ ...critical, firing: false }])).toBeNull();
    // Not a target.
    expect(inhibitedBy({ ...warning, severity: 'info' }, [criticalMutesWarning], [critical])).toBeNull();
  });

  it('treats a label absent on both sides as equal', () => {
    const rule = { ...criticalMutesWarning, equal: ['cluster'] };
    expect(inhibitedBy({ severity: 'warning' }, [rule], [alert('c', { severity: 'critical' })])?.by).toBe(
      'c',
    );
    expect(
      inhibitedBy({ severity: 'warning', cluster: 'eu' }, [rule], [alert('c', { severity: 'critical' })]),
    ).toBeNull();
  });

  it('never lets an alert inhibit itself, nor two alerts matching both sides mute each other', () => {
    const rule: InhibitRule = {
      name: 'any-down',
      sourceMatchers: parseMatchers('alertname="Down"'),
      targetMatchers: parseMatchers('alertname="Down"'),
      equal: ['cluster'],
    };
    const a = alert('a', { alertname: 'Down', cluster: 'x', instance: '1' });
    const b = alert('b', { alertname: 'Down', cluster: 'x', instance: '2' });
    expect(inhibitedBy(a.labels, [rule], [a, b])).toBeNull();
    expect(inhibitions([a, b], [rule]).size).toBe(0);
  });

  it('a down dependency inhibits its dependants when configured', () => {
    const rule: InhibitRule = {
      name: 'database-down-mutes-dependants',
      sourceMatchers: parseMatchers('alertname="DatabaseDown"'),
      targetMatchers: parseMatchers('depends_on="database"'),
      equal: ['cluster'],
    };
    const db = alert('db', { alertname: 'DatabaseDown', cluster: 'eu' });
    const api = alert('api', { alertname: 'ApiErrors', depends_on: 'database', cluster: 'eu' });
    const apiUs = alert('api-us', { alertname: 'ApiErrors', depends_on: 'database', cluster: 'us' });
    const result = inhibitions([db, api, apiUs], [rule]);
    expect([...result.entries()]).toEqual([['api', { rule: 'database-down-mutes-dependants', by: 'db' }]]);
  });

  it('catalog-aware: a down service mutes the services that depend on it, and only those', () => {
    const rule: InhibitRule = {
      name: 'dependency-down',
      sourceMatchers: parseMatchers('severity="critical"'),
      targetMatchers: parseMatchers('alertname=~".+"'),
      equal: ['service', 'env'],
      dependants: true,
    };
    // checkout → payments → orders-db; search depends on nothing of it.
    const graph: Record<string, string[]> = { 'orders-db': ['payments', 'checkout'], payments: ['checkout'] };
    const dependantsOf = (s: string) => new Set(graph[s] ?? []);
    const db = alert('db', {
      alertname: 'DatabaseDown',
      service: 'orders-db',
      severity: 'critical',
      env: 'prod',
    });
    const checkout = alert('co', { alertname: 'ErrorBudgetBurn', service: 'checkout', env: 'prod' });
    const payments = alert('pay', { alertname: 'ErrorBudgetBurn', service: 'payments', env: 'prod' });
    const search = alert('se', { alertname: 'ErrorBudgetBurn', service: 'search', env: 'prod' });
    const sameService = alert('db2', { alertname: 'ReplicaLag', service: 'orders-db', env: 'prod' });
    const otherEnv = alert('co-st', { alertname: 'ErrorBudgetBurn', service: 'checkout', env: 'staging' });
    const result = inhibitions([db, checkout, payments, search, sameService, otherEnv], [rule], dependantsOf);
    expect([...result.keys()].sort()).toEqual(['co', 'pay']);
    expect(result.get('co')).toEqual({ rule: 'dependency-down', by: 'db' });
    // Without the catalog nothing is muted by such a rule.
    expect(inhibitions([db, checkout], [rule]).size).toBe(0);
    expect(inhibitedBy(payments.labels, [rule], [db, payments], dependantsOf)?.by).toBe('db');
  });

  it('built in: a page for an SLO inhibits its ticket, not another SLO’s', () => {
    const page = alert('p', { alertname: 'ErrorBudgetBurn', tier: 'page', slo: 'checkout-availability' });
    const ticket = alert('t', { alertname: 'ErrorBudgetBurn', tier: 'ticket', slo: 'checkout-availability' });
    const otherTicket = alert('o', { alertname: 'ErrorBudgetBurn', tier: 'ticket', slo: 'search-latency' });
    const result = inhibitions([page, ticket, otherTicket], [SLO_PAGE_INHIBITS_TICKET]);
    expect([...result.keys()]).toEqual(['t']);
    expect(inhibitions([{ ...page, firing: false }, ticket], [SLO_PAGE_INHIBITS_TICKET]).size).toBe(0);
  });
});

/** Documents and helpers of the discovery suite (discovery.test.ts). */

export const MIN = 60_000;
export const DAY = 86_400_000;
export const EXTERNAL = 'https://headroom.example.com';

/** The latest instant before `before` at this UTC weekday (0 = Sunday) and hour. */
export function lastAt(before: number, weekday: number, hour: number): number {
  const d = new Date(before - DAY);
  d.setUTCHours(hour, 0, 0, 0);
  while (d.getUTCDay() !== weekday || d.getTime() >= before - DAY) d.setTime(d.getTime() - DAY);
  return d.getTime();
}

export const PAGING = `apiVersion: headroom.dev/v1
kind: Schedule
metadata: { name: primary }
spec:
  timeZone: Asia/Tokyo
  layers:
    - name: always-alice
      users: [alice]
      shiftLength: 1d
      handoffTime: "09:00"
      start: 2024-03-01
---
apiVersion: headroom.dev/v1
kind: EscalationPolicy
metadata: { name: ops-pages }
spec:
  steps:
    - delay: 5m
      notify: [{ schedule: primary }]
---
apiVersion: headroom.dev/v1
kind: Route
metadata: { name: root }
spec:
  root: true
  escalationPolicy: ops-pages
  groupBy: [alertname]
  groupWait: 0s
---
apiVersion: openslo/v1
kind: SLO
metadata: { name: checkout-availability }
spec:
  service: checkout
  budgetingMethod: Occurrences
  timeWindow:
    - duration: 1d
      isRolling: true
  objectives:
    - target: 0.99
  indicator:
    metadata: { name: checkout-ok }
    spec:
      ratioMetric:
        counter: true
        good: { metricSource: { type: headroom, spec: {} } }
        total: { metricSource: { type: headroom, spec: {} } }
`;

export const TREE = `apiVersion: headroom.dev/v1
kind: Outcome
metadata: { name: calmer-on-call }
spec:
  title: Calmer on-call
  metric:
    description: Pages outside working hours per on-call week
    target: pages outside working hours per on-call week ≤ 2
    measure: offHoursPagesPerOnCallWeek
---
apiVersion: headroom.dev/v1
kind: Opportunity
metadata: { name: night-pages }
spec:
  outcome: calmer-on-call
  title: Checkout pages people at night
  services: [checkout]
  feedback: [FB-1]
  interviews: [INT-2]
---
apiVersion: headroom.dev/v1
kind: Opportunity
metadata: { name: noisy-search }
spec:
  outcome: calmer-on-call
  parent: night-pages
  title: Search alerts are noisy
  services: [search]
---
apiVersion: headroom.dev/v1
kind: Solution
metadata: { name: burn-rate-alerts }
spec:
  opportunity: night-pages
  title: Burn-rate alerts instead of thresholds
  status: building
  rice: { impact: 2, confidence: 80, effort: 2 }
---
apiVersion: headroom.dev/v1
kind: Solution
metadata: { name: follow-the-sun }
spec:
  opportunity: night-pages
  title: Follow-the-sun rotation
  rice: { reach: 12, reachReason: "on-call survey: 12 teams", impact: 1, confidence: 50, effort: 3 }
---
apiVersion: headroom.dev/v1
kind: Solution
metadata: { name: search-dedupe }
spec:
  opportunity: noisy-search
  title: Deduplicate search alerts
  rice: { impact: 3, confidence: 100, effort: 0.5 }
---
apiVersion: headroom.dev/v1
kind: Solution
metadata: { name: quiet-hours }
spec:
  opportunity: noisy-search
  title: Quiet hours for warnings
---
apiVersion: headroom.dev/v1
kind: AssumptionTest
metadata: { name: trust-burn-rates }
spec:
  solution: burn-rate-alerts
  assumption: On-call engineers trust a burn-rate page
  kind: desirability
  method: Shadow the new alerts for two weeks
  successCriterion: 8 of 10 pages judged actionable
`;

export function alert(alertname: string, startsAt: number) {
  const labels = { alertname, severity: 'critical', service: 'checkout' };
  return {
    version: '4',
    status: 'firing',
    receiver: 'headroom',
    groupKey: '{}:{}',
    groupLabels: {},
    commonLabels: labels,
    commonAnnotations: {},
    externalURL: 'http://am:9093',
    alerts: [
      {
        status: 'firing',
        labels,
        annotations: {},
        startsAt: new Date(startsAt).toISOString(),
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: '',
        fingerprint: alertname === 'NightAlarm' ? '1111111111111111' : '2222222222222222',
      },
    ],
  };
}

/** Test helpers for SLOs: the OpenSLO fixture folders as apply files, and a small catalog. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const FIXTURES = fileURLToPath(new URL('../modules/slos/fixtures/openslo/', import.meta.url));

export type ApplyFile = { path: string; content: string };

/** Every YAML file of one fixture folder (budgeting-method, v1-examples, …). */
export function opensloFixtures(folder: string): ApplyFile[] {
  return readdirSync(join(FIXTURES, folder))
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => ({ path: `${folder}/${f}`, content: readFileSync(join(FIXTURES, folder, f), 'utf8') }));
}

/** Teams `payments` and `search`, and the service `web-shop` that payments owns. */
export const catalog: ApplyFile = {
  path: 'catalog.yaml',
  content: `apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: payments
spec:
  type: team
  children: []
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: search
spec:
  type: team
  children: []
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: web-shop
spec:
  type: website
  lifecycle: production
  owner: payments
`,
};

/** A headroom-stream SLO on web-shop that names its SLI and alert policy by reference. */
export function checkoutSlo(target = '0.999', extra = ''): ApplyFile {
  return {
    path: 'checkout.yaml',
    content: `apiVersion: openslo/v1
kind: SLI
metadata:
  name: checkout-requests
spec:
  ratioMetric:
    counter: true
    good:
      metricSource:
        type: headroom
        spec:
          stream: checkout
    total:
      metricSource:
        type: headroom
        spec:
          stream: checkout
---
apiVersion: openslo/v1
kind: AlertPolicy
metadata:
  name: fast-burn
spec:
  alertWhenBreaching: true
  conditions:
    - kind: AlertCondition
      metadata:
        name: fast-burn-1h
      spec:
        severity: page
        condition:
          kind: burnrate
          op: gte
          threshold: 14.4
          lookbackWindow: 1h
          alertAfter: 2m
  notificationTargets:
    - targetRef: on-call
---
apiVersion: openslo/v1
kind: AlertNotificationTarget
metadata:
  name: on-call
spec:
  target: pagerduty
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout-availability
  displayName: Checkout availability
spec:
  service: web-shop
  indicatorRef: checkout-requests
  timeWindow:
    - duration: 28d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - displayName: Checkout works
      target: ${target}
  alertPolicies:
    - alertPolicyRef: fast-burn
${extra}`,
  };
}

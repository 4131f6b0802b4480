import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Slo } from '../../slo/model.js';
import { compileConfig } from '../compile.js';
import { builtinKindRegistry } from '../index.js';
import type { DesiredObject } from '../types.js';
import { toOpenSloYaml } from './export.js';
import { isOpenSloObject, isSloObject } from './index.js';
import { indexObjects, resolveSlo, sourceOf } from './resolve.js';

const registry = builtinKindRegistry();
const FIXTURES = fileURLToPath(
  new URL('../../../../server/src/modules/slos/fixtures/openslo/', import.meta.url),
);
const folder = (name: string) =>
  readdirSync(join(FIXTURES, name))
    .sort()
    .map((f) => ({ path: `${name}/${f}`, content: readFileSync(join(FIXTURES, name, f), 'utf8') }));

const dataOf = (objects: DesiredObject[]) => objects.map((o) => [o.ref, o.data]);

describe('resolving and exporting OpenSLO objects', () => {
  it.each(['budgeting-method', 'treat-low-traffic-as-equally-important', 'v1-examples'])(
    'the spec examples in %s read back the same after export',
    (name) => {
      const first = compileConfig(folder(name), registry).objects;
      const documents = first.map((o) => (o.data as { document: unknown }).document);
      const again = compileConfig(
        [{ path: 'export.yaml', content: toOpenSloYaml(documents, 'exported') }],
        registry,
      );
      expect(dataOf(again.objects)).toEqual(dataOf(first));
    },
  );

  it('fills in DataSources, types and streams; names what it cannot find', () => {
    const objects = compileConfig(
      [
        ...folder('v1-examples'),
        {
          path: 'slo.yaml',
          content: `apiVersion: openslo/v1
kind: SLO
metadata:
  name: wifi
spec:
  service: wifi
  timeWindow:
    - duration: 28d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - target: 0.9
      indicatorRef: wifi-client-satisfaction
    - target: 0.99
      compositeWeight: 3
      indicatorRef: end-user-response
  alertPolicies:
    - alertPolicyRef: low-priority
`,
        },
      ],
      registry,
    ).objects;
    const index = indexObjects(objects.filter(isOpenSloObject).map((o) => o.data));
    const slo = objects.filter(isSloObject).find((o) => o.data.slo.name === 'wifi')!.data.slo;
    const { slo: resolved, missing } = resolveSlo(slo, index);
    const [wifi, endUser] = resolved.objectives.map((o) => o.indicator);
    expect(wifi?.metric.type === 'raw' && wifi.metric.raw).toMatchObject({
      metricSourceRef: 'prometheus',
      dataSource: { name: 'prometheus', type: 'Prometheus' },
      queryable: true,
      stream: 'wifi.0',
    });
    expect(sourceOf(endUser!)).toEqual({ type: 'AppDynamics', queryable: false, stream: 'wifi.1' });
    expect(resolved.alertPolicies[0]?.value?.conditions[0]?.value?.name).toBe('cpu-usage-breach');
    expect(missing).toEqual([
      { kind: 'DataSource', name: 'appdynamics' },
      { kind: 'DataSource', name: 'appdynamics' },
      { kind: 'AlertNotificationTarget', name: 'on-call-mail-notification' },
    ]);
    // A metricSource without a type takes the DataSource's.
    const untyped: Slo = JSON.parse(JSON.stringify(resolved));
    const raw = untyped.objectives[0]!.indicator!.metric;
    if (raw.type === 'raw') raw.raw.type = null;
    const again = resolveSlo(
      { ...untyped, objectives: [{ ...untyped.objectives[0]!, indicatorRef: null }] },
      index,
    );
    expect(sourceOf(again.slo.objectives[0]!.indicator)).toMatchObject({
      type: 'Prometheus',
      queryable: true,
    });
  });
});

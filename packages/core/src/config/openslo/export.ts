/**
 * OpenSLO documents back to YAML: one document per object, separated by `---`, in the order a
 * reader needs them (what is referred to before what refers to it). Pure.
 */
import { Document } from 'yaml';
import type { OpenSloKind } from '../../slo/model.js';

export const EXPORT_KIND_ORDER: readonly OpenSloKind[] = [
  'Service',
  'DataSource',
  'SLI',
  'AlertNotificationTarget',
  'AlertCondition',
  'AlertPolicy',
  'SLO',
];

/** Multi-document YAML; `comment` lines go first, as YAML comments. */
export function toOpenSloYaml(documents: readonly unknown[], comment?: string): string {
  const head = comment
    ? `${comment
        .split('\n')
        .map((l) => `# ${l}`.trimEnd())
        .join('\n')}\n`
    : '';
  const body = documents
    .map((d) => new Document(d).toString({ lineWidth: 0, minContentWidth: 0 }))
    .join('---\n');
  return head + body;
}

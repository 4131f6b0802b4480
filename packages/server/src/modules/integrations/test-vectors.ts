/**
 * Real payloads from Alertmanager and PagerDuty (the shared vectors beside the repository, as CI
 * has them: `../shared/vectors/` from the repository root), read verbatim for the tests.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const VECTORS_DIR =
  process.env.HEADROOM_TEST_VECTORS ??
  resolve(dirname(fileURLToPath(import.meta.url)), '../../../../../../shared/vectors');

/** The file's text exactly as published. */
export function vectorText(path: string): string {
  return readFileSync(join(VECTORS_DIR, path), 'utf8');
}

export function vector<T = Record<string, unknown>>(path: string): T {
  return JSON.parse(vectorText(path)) as T;
}

export const AM_FIRING = 'alertmanager/goalert-captured-webhook-v4-firing.json';
export const PD_TRIGGER_OPENAPI = 'pagerduty/events-v2-trigger.openapi-example.json';
export const PD_TRIGGER_DOCS = 'pagerduty/events-v2-trigger.docs-example.json';
export const PD_ACKNOWLEDGE = 'pagerduty/events-v2-acknowledge.docs-example.json';
export const PD_RESOLVE = 'pagerduty/events-v2-resolve.docs-example.json';
export const PD_RESPONSE_202 = 'pagerduty/events-v2-response-202.openapi-example.json';
export const PD_RESPONSE_ERROR = 'pagerduty/events-v2-response-error.openapi-example.json';

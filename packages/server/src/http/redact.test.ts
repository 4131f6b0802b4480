import { describe, expect, it } from 'vitest';
import { redactSecretPaths } from './redact.js';

describe('redactSecretPaths', () => {
  it('hides calendar feed tokens and leaves every other path alone', () => {
    expect(redactSecretPaths('/ical/schedules/hrf_3kQ9xZ.ics')).toBe('/ical/schedules/<redacted>.ics');
    expect(redactSecretPaths('/ical/users/hrf_abc.ics?refresh=1')).toBe(
      '/ical/users/<redacted>.ics?refresh=1',
    );
    expect(redactSecretPaths('/ical/users/hrf_abc')).toBe('/ical/users/<redacted>');
    expect(redactSecretPaths('/api/v1/schedules/payments-primary')).toBe(
      '/api/v1/schedules/payments-primary',
    );
    expect(redactSecretPaths('/api/v1/ical/schedules/x.ics')).toBe('/api/v1/ical/schedules/x.ics');
  });
});

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

  it('hides the tokens of e-mailed links: page acknowledgements and survey answers', () => {
    expect(redactSecretPaths('/ack/eyJwIjoxfQ.c2ln')).toBe('/ack/<redacted>');
    expect(redactSecretPaths('/s/eyJzIjoxfQ.c2ln?x=1')).toBe('/s/<redacted>?x=1');
    expect(redactSecretPaths('/api/v1/surveys/SRV-1')).toBe('/api/v1/surveys/SRV-1');
    expect(redactSecretPaths('/services/checkout')).toBe('/services/checkout');
  });
});

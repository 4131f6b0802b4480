/**
 * Secrets that travel in URL paths must not reach the logs: calendar feed tokens (calendar apps
 * can only subscribe to a URL), and the signed links sent by e-mail (page acknowledgements
 * `/ack/<token>`, survey answers `/s/<token>`). The request serializer logs the path with the
 * token replaced.
 */
export function redactSecretPaths(url: string): string {
  return url
    .replace(/^\/ical\/(schedules|users)\/[^/?#]+?(\.ics)?(?=$|[?#])/, '/ical/$1/<redacted>$2')
    .replace(/^\/(ack|s)\/[^/?#]+(?=$|[?#])/, '/$1/<redacted>');
}

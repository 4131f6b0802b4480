/**
 * Secrets that travel in URL paths (calendar feed tokens: calendar apps can only subscribe to a
 * URL) must not reach the logs: the request serializer logs the path with the token replaced.
 */
export function redactSecretPaths(url: string): string {
  return url.replace(/^\/ical\/(schedules|users)\/[^/?#]+?(\.ics)?(?=$|[?#])/, '/ical/$1/<redacted>$2');
}

// The platform's own capabilities: what feedback items, surveys and the
// platform-as-a-product panel are "about". A fixed list so that answers and
// feedback from different teams group under the same names.

export const PLATFORM_CAPABILITIES = [
  'catalog',
  'slos',
  'alerting',
  'on-call',
  'incidents',
  'postmortems',
  'release-gate',
  'capacity',
  'discovery',
] as const;

export type PlatformCapability = (typeof PLATFORM_CAPABILITIES)[number];

export const CAPABILITY_TITLES: Readonly<Record<PlatformCapability, string>> = {
  catalog: 'Service catalog',
  slos: 'SLOs and error budgets',
  alerting: 'Alerting',
  'on-call': 'On-call',
  incidents: 'Incident management',
  postmortems: 'Postmortems',
  'release-gate': 'Release gate',
  capacity: 'Capacity planning',
  discovery: 'Continuous discovery',
};

export interface CapabilityInfo {
  name: PlatformCapability;
  title: string;
}

export const CAPABILITIES: readonly CapabilityInfo[] = PLATFORM_CAPABILITIES.map((name) => ({
  name,
  title: CAPABILITY_TITLES[name],
}));

export function isPlatformCapability(value: unknown): value is PlatformCapability {
  return typeof value === 'string' && (PLATFORM_CAPABILITIES as readonly string[]).includes(value);
}

export function capabilityTitle(name: PlatformCapability): string {
  return CAPABILITY_TITLES[name];
}

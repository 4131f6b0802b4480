/**
 * What the demo's teams say (continuous discovery): feedback items with their votes, comments
 * and where the platform team took them, interview notes, and the answers to the platform pulse
 * survey. Loaded by discovery.ts through the API as each person.
 */
import type { FeedbackItem } from '@headroom/core/api/feedback';

type Status = FeedbackItem['status'];

export interface DemoFeedback {
  /** Key for links below; the title is what finds the item again on a later start. */
  key: string;
  author: string;
  kind: 'pain-point' | 'request' | 'question' | 'praise';
  title: string;
  body: string;
  services?: string[];
  capability: string;
  team?: string;
  tags?: string[];
  board?: string;
  page?: string;
  votes: [user: string, pain: number | null][];
  comments?: [user: string, body: string][];
  /** Where the platform team took it: each step with its note (done and declined need one). */
  path?: [status: Status, note: string | null][];
  /** Merged into this item (by key) as a duplicate. */
  duplicateOf?: string;
}

export const FEEDBACK: readonly DemoFeedback[] = [
  {
    key: 'night-checkout',
    author: 'bob',
    kind: 'pain-point',
    title: 'Paged at 3 am for checkout latency that recovered by itself',
    body: 'Three nights last week the checkout latency alert paged me between 02:00 and 04:00. Each time p99 was back under 800 ms before I had the laptop open. Nobody needed to do anything.',
    services: ['checkout'],
    capability: 'alerting',
    tags: ['night', 'noise'],
    board: 'On-call',
    page: '/slos/checkout-latency',
    votes: [
      ['alice', 5],
      ['carol', 4],
      ['judy', 4],
      ['dave', 3],
      ['frank', 3],
    ],
    comments: [
      ['alice', 'Same on my week: 5 pages, 0 actions.'],
      [
        'dave',
        'We are shadowing burn-rate alerts for checkout next to the static threshold; see the opportunity tree under *Calmer on-call*.',
      ],
    ],
    path: [
      ['under-review', null],
      ['planned', 'Burn-rate alerts for checkout are next; shadowing starts this sprint.'],
    ],
  },
  {
    key: 'flapping',
    author: 'carol',
    kind: 'pain-point',
    title: 'Checkout latency alert flaps several times a night',
    body: 'It fires, resolves two minutes later and fires again. My phone buzzed 9 times on Tuesday night.',
    services: ['checkout'],
    capability: 'alerting',
    tags: ['noise'],
    board: 'On-call',
    votes: [
      ['bob', 4],
      ['grace', 2],
    ],
    duplicateOf: 'night-checkout',
  },
  {
    key: 'postmortem-slow',
    author: 'alice',
    kind: 'pain-point',
    title: 'Writing the postmortem took longer than the incident',
    body: 'For the payment provider incident I spent most of a day copying times from chat into the postmortem template.',
    services: ['payments'],
    capability: 'postmortems',
    tags: ['toil'],
    board: 'Incidents',
    votes: [
      ['bob', 4],
      ['judy', 3],
      ['heidi', 3],
      ['dave', 2],
    ],
    comments: [['carol', 'The timeline is already in the incident, why type it again?']],
    path: [
      ['under-review', null],
      ['in-progress', null],
      [
        'done',
        'Postmortems now start from the incident: timeline, roles, impact and services are filled in. The payments postmortem took 40 minutes.',
      ],
    ],
  },
  {
    key: 'psp-pages',
    author: 'bob',
    kind: 'pain-point',
    title: 'Payment provider timeouts page us but all we can do is fail over by hand',
    body: 'When the PSP times out we get paged, open the runbook and switch endpoints. It took 25 minutes last time.',
    services: ['payments'],
    capability: 'incidents',
    tags: ['night', 'toil'],
    board: 'On-call',
    votes: [
      ['alice', 4],
      ['carol', 5],
      ['judy', 3],
    ],
    path: [
      ['under-review', null],
      ['planned', null],
      ['in-progress', 'Automating the failover (an action item of the PSP incident).'],
    ],
  },
  {
    key: 'gate-which-slo',
    author: 'carol',
    kind: 'question',
    title: 'Can the release gate tell me which SLO blocks my deploy?',
    body: 'The gate said no to a checkout deploy and I had to look through every SLO to find out why.',
    services: ['checkout'],
    capability: 'release-gate',
    board: 'Release',
    votes: [
      ['alice', 2],
      ['frank', 3],
    ],
    path: [
      [
        'done',
        'headroom gate now names the SLO, its remaining budget and the policy; p0-fix changes are explained too.',
      ],
    ],
  },
  {
    key: 'wrong-pager',
    author: 'erin',
    kind: 'pain-point',
    title: 'The platform pager gets alerts that belong to other teams',
    body: 'Anything without a commerce service label lands on us, including storefront and search alerts.',
    services: ['api-gateway'],
    capability: 'alerting',
    board: 'On-call',
    votes: [
      ['dave', 4],
      ['judy', 3],
    ],
    path: [['under-review', null]],
  },
  {
    key: 'runbook-link',
    author: 'dave',
    kind: 'request',
    title: 'Escalation e-mails should link the runbook',
    body: 'The e-mail says what fires but not where the runbook is.',
    capability: 'on-call',
    board: 'On-call',
    votes: [
      ['erin', 2],
      ['frank', 2],
    ],
  },
  {
    key: 'gateway-duplicates',
    author: 'dave',
    kind: 'pain-point',
    title: "api-gateway pages duplicate its dependants' pages",
    body: 'When auth is slow we get the auth page and the api-gateway page for the same thing.',
    services: ['api-gateway', 'auth'],
    capability: 'alerting',
    votes: [
      ['erin', 3],
      ['ivan', 3],
    ],
  },
  {
    key: 'storefront-recs',
    author: 'frank',
    kind: 'pain-point',
    title: 'Storefront on-call is woken up for recommendations',
    body: 'Recommendations has no rotation of its own, so its alerts page the storefront person at night.',
    services: ['storefront', 'recommendations'],
    capability: 'on-call',
    tags: ['night'],
    board: 'On-call',
    votes: [
      ['grace', 4],
      ['heidi', 2],
    ],
    path: [['under-review', null]],
  },
  {
    key: 'web-vitals',
    author: 'grace',
    kind: 'request',
    title: 'SLO templates for Core Web Vitals',
    body: 'We would like LCP and INP SLOs for the storefront next to the server-side ones.',
    services: ['storefront'],
    capability: 'slos',
    votes: [['frank', 3]],
    path: [
      ['under-review', null],
      [
        'declined',
        'Not planned: browser metrics stay in the RUM tool. Send its good/total counts through the ingest API and they become a ratio SLI like any other.',
      ],
    ],
  },
  {
    key: 'timeline-praise',
    author: 'grace',
    kind: 'praise',
    title: 'The incident status updates saved us an hour with support',
    body: 'Support read the status updates on the incident instead of asking in chat every ten minutes.',
    capability: 'incidents',
    votes: [
      ['frank', null],
      ['alice', null],
    ],
  },
  {
    key: 'reindex-pages',
    author: 'heidi',
    kind: 'pain-point',
    title: 'Search latency SLO pages during the nightly reindex',
    body: 'The reindex at 01:00 slows queries for 20 minutes and pages whoever is on call, every night.',
    services: ['search'],
    capability: 'slos',
    tags: ['night', 'noise'],
    board: 'On-call',
    page: '/slos/search-latency',
    votes: [
      ['ivan', 5],
      ['kim', 4],
      ['frank', 2],
      ['dave', 2],
    ],
    comments: [['ivan', 'Moving the reindex to 05:00 did not help: that just moves the page.']],
    path: [
      ['under-review', null],
      ['planned', 'We will look at it with the burn-rate alerts: a 20-minute dip should not page.'],
    ],
  },
  {
    key: 'reindex-budget',
    author: 'ivan',
    kind: 'question',
    title: 'How do I keep the reindex window out of the error budget?',
    body: 'It is planned maintenance; it should not eat our budget.',
    services: ['search'],
    capability: 'slos',
    votes: [['heidi', 3]],
    path: [
      [
        'done',
        'Record the window as a BudgetCorrection (demo/corrections.yaml has one): it is left out of the budget and shown on the chart.',
      ],
    ],
  },
  {
    key: 'campaign-capacity',
    author: 'kim',
    kind: 'question',
    title: 'Will search hold the spring campaign?',
    body: 'Marketing expects 40 % more traffic from next month. Do we need more search nodes before then?',
    services: ['search'],
    capability: 'capacity',
    board: 'Capacity',
    page: '/capacity',
    votes: [['ivan', null]],
    comments: [
      ['erin', 'Try the spring-campaign scenario on the Capacity page: it shows search-rps with the +40 %.'],
    ],
  },
  {
    key: 'handover-notes',
    author: 'heidi',
    kind: 'pain-point',
    title: 'On-call handover notes get lost in chat',
    body: 'The Monday handover is a chat thread; by Wednesday nobody can find it.',
    capability: 'on-call',
    board: 'On-call',
    votes: [
      ['ivan', 3],
      ['bob', 2],
      ['erin', 2],
    ],
  },
];

export interface DemoInterview {
  team: string;
  interviewer: string;
  participants: string[];
  daysAgo: number;
  summary: string;
  notes: string;
  feedback: string[];
  opportunities: string[];
}

export const INTERVIEWS: readonly DemoInterview[] = [
  {
    team: 'commerce',
    interviewer: 'dave',
    participants: ['Bob Okafor', 'Carol Nguyen'],
    daysAgo: 26,
    summary: 'Night pages on checkout: most resolve before anyone acts',
    notes:
      '- Bob was paged 5 times in his last week, all between 01:00 and 04:00.\n- None needed action; p99 recovered within minutes.\n- They have stopped trusting the latency alert: "I check the dashboard before I get up."',
    feedback: ['night-checkout', 'flapping'],
    opportunities: ['night-pages', 'flaky-checkout-alerts'],
  },
  {
    team: 'search',
    interviewer: 'erin',
    participants: ['Heidi Jansen', 'Ivan Petrov'],
    daysAgo: 19,
    summary: 'The nightly reindex burns the search budget and pages every night',
    notes:
      '- The reindex is planned and known; paging for it teaches people to ignore pages.\n- They did not know corrections exist.',
    feedback: ['reindex-pages', 'reindex-budget'],
    opportunities: ['night-pages'],
  },
  {
    team: 'web',
    interviewer: 'dave',
    participants: ['Frank Silva', 'Grace Lee'],
    daysAgo: 12,
    summary: 'Storefront on-call carries recommendations without owning it',
    notes:
      '- Recommendations pages reach storefront at night.\n- They would take a ticket in the morning instead.',
    feedback: ['storefront-recs'],
    opportunities: ['night-pages'],
  },
  {
    team: 'commerce',
    interviewer: 'erin',
    participants: ['Alice Martin', 'Judy Adams'],
    daysAgo: 8,
    summary: 'The payments postmortem: what slowed the write-up and the failover',
    notes:
      '- Most of the postmortem time went into rebuilding the timeline.\n- The manual PSP failover took 25 minutes; automating it is the top action item.',
    feedback: ['postmortem-slow', 'psp-pages'],
    opportunities: ['slow-postmortems', 'provider-outages-page-us'],
  },
  {
    team: 'commerce',
    interviewer: 'dave',
    participants: ['Bob Okafor'],
    daysAgo: 2,
    summary: 'First week of shadowing burn-rate alerts on checkout',
    notes: '- 6 static pages, 1 burn-rate page; the burn-rate one was the real slowdown.',
    feedback: ['night-checkout'],
    opportunities: ['flaky-checkout-alerts'],
  },
];

/** Links made through the API (the tree's YAML leaves them out): opportunity → feedback keys. */
export const OPPORTUNITY_FEEDBACK: Readonly<Record<string, readonly string[]>> = {
  'night-pages': ['night-checkout', 'reindex-pages', 'storefront-recs', 'handover-notes'],
  'flaky-checkout-alerts': ['night-checkout'],
  'provider-outages-page-us': ['psp-pages'],
  'slow-postmortems': ['postmortem-slow'],
};

export const SURVEY = {
  name: 'platform-pulse',
  title: 'Platform pulse',
  questions: { nps: true, csat: true, comment: true },
  capabilities: ['alerting', 'incidents'],
  audience: { kind: 'all' },
} as const;

type Answer = [nps: number, csat: number, comment?: string];

/** Each person's answers to round 1: [alerting, incidents]. */
export const SURVEY_ANSWERS: Readonly<Record<string, [Answer, Answer]>> = {
  alice: [
    [4, 2],
    [9, 5],
  ],
  bob: [
    [3, 2, 'Night pages for checkout are the worst part of on-call.'],
    [8, 4],
  ],
  carol: [
    [6, 3],
    [9, 5],
  ],
  judy: [
    [7, 3],
    [10, 5, 'The incident timeline made the postmortem easy.'],
  ],
  heidi: [
    [5, 2, 'The reindex pages every night.'],
    [8, 4],
  ],
  ivan: [
    [6, 3],
    [7, 4],
  ],
  kim: [
    [8, 4],
    [9, 4],
  ],
  dave: [
    [7, 4],
    [9, 5],
  ],
  erin: [
    [8, 4],
    [8, 4],
  ],
  frank: [
    [5, 3],
    [9, 5],
  ],
  grace: [
    [6, 3],
    [10, 5, 'Status updates saved us an hour with support.'],
  ],
};

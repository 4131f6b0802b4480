/**
 * Hearing users, as issue 8's "Done when" tells it: a team files a pain point from the UI's
 * feedback button (the item remembers the page) and another through the API as the CLI does,
 * other people vote, the platform team merges the duplicate, records an interview, and marks the
 * item done with a note — and the voters get the "you said, we did" mail through the outbox.
 * The demo organisation has no discovery data of its own yet, so everything is made here with
 * unique names.
 */
import { expect, open, test } from './fixtures.js';

test.describe.configure({ mode: 'serial' });

interface Item {
  id: string;
  title: string;
  page: string | null;
  services: string[];
  team: string | null;
  capability: string | null;
  status: string;
  votes: number;
  meanPain: number | null;
  voters: { voter: string; pain: number | null }[];
  duplicates: { id: string }[];
  duplicateOf: string | null;
  interviews: string[];
  history: {
    to: string;
    notified: { reached: string[]; unreachable: { user: string; reason: string }[] } | null;
  }[];
}
interface Notification {
  channel: string;
  message: { title: string; text: string; data?: Record<string, unknown> };
}

const run = Date.now();
const title = `Deploy gate blocks hotfixes ${run}`;
const duplicateTitle = `Hotfix waited for the budget ${run}`;
const reachable = `fb-voter-${run}`;
const reachableEmail = `fb-voter-${run}@example.com`;
const unreachable = `fb-silent-${run}`;
const note = `p0-fix changes pass the gate now (${run})`;
let itemId = '';
let duplicateId = '';

test('files a pain point from the feedback button, which records the page', async ({
  page,
  baseUrl,
  api,
  shot,
}) => {
  await open(page, baseUrl, '/services/checkout');
  const button = page.locator('.sidebar-foot').getByRole('button', { name: 'Feedback' });
  const dialog = page.getByRole('dialog', { name: 'Tell the platform team' });

  // Escape closes the dialog and focus goes back to the button.
  await button.click();
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(button).toBeFocused();

  await button.click();
  await expect(dialog).toBeVisible();
  await expect(dialog.getByText('Filed from /services/checkout')).toBeVisible();
  // On a service's page the service is picked already.
  await expect(dialog.getByLabel('Services')).toHaveValues(['checkout']);
  await dialog.getByLabel('Title', { exact: true }).fill(title);
  await dialog.getByLabel(/What happened/).fill('A **p0** fix waited 40 minutes for the budget to recover.');
  await dialog.getByLabel('Platform capability').selectOption('release-gate');
  await dialog.getByLabel('Your team').selectOption('commerce');
  await dialog.getByLabel('Tags').fill('gate, hotfix');
  await dialog.getByLabel('Board').fill('Release');
  await shot('feedback-dialog');
  await dialog.getByRole('button', { name: 'File feedback' }).click();

  const openLink = dialog.getByRole('link', { name: /^Open FB-\d+$/ });
  await expect(openLink).toBeVisible();
  await expect(openLink).toBeFocused();
  itemId = ((await openLink.textContent()) ?? '').replace('Open ', '');
  expect(itemId).toMatch(/^FB-\d+$/);

  const stored = await api.get<Item>(`/feedback/${itemId}`);
  expect(stored).toMatchObject({
    title,
    page: '/services/checkout',
    services: ['checkout'],
    capability: 'release-gate',
    team: 'commerce',
    status: 'open',
  });

  await openLink.click();
  await expect(dialog).toBeHidden();
  await expect(page.locator('main h1')).toHaveText(`${itemId} ${title}`);
  await expect(page.getByTestId('filed-from')).toHaveText('/services/checkout');
  await expect(page.locator('main .markdown strong', { hasText: 'p0' })).toBeVisible();
});

test('a second item through the API, votes from others and from the board', async ({
  page,
  baseUrl,
  api,
  shot,
}) => {
  // Filed the way `headroom feedback add` files it: no page.
  const duplicate = await api.post<Item>('/feedback', {
    title: duplicateTitle,
    services: ['checkout'],
    capability: 'release-gate',
    board: 'Release',
  });
  duplicateId = duplicate.id;
  expect(duplicate.page).toBeNull();

  // Two more people: one with an e-mail address, one without.
  await api.post('/users', { name: reachable, email: reachableEmail, role: 'viewer', teams: ['commerce'] });
  await api.post('/users', { name: unreachable, role: 'viewer' });
  const tokenOf = async (user: string) =>
    (await api.post<{ token: string }>('/tokens', { name: `feedback-e2e-${run}`, user })).token;
  const vote = async (token: string, id: string, pain: number) => {
    const res = await fetch(`${baseUrl}/api/v1/feedback/${id}/votes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ pain }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
  };
  const reachableToken = await tokenOf(reachable);
  await vote(reachableToken, itemId, 5);
  await vote(reachableToken, duplicateId, 2);
  await vote(await tokenOf(unreachable), itemId, 3);

  // The admin votes from the board, with a pain of 4.
  await open(page, baseUrl, `/feedback?q=${run}&sort=votes`);
  const row = page.getByTestId(`feedback-row-${itemId}`);
  await expect(row).toBeVisible();
  await expect(page.getByTestId(`feedback-row-${duplicateId}`)).toBeVisible();
  await expect(row.locator('.fb-votes')).toHaveText('2');
  await row.getByLabel(`Pain for ${itemId}`).selectOption('4');
  await row.getByRole('button', { name: `Vote for ${itemId}`, exact: true }).click();
  await expect(row.getByRole('status')).toHaveText('Voted.');
  await expect(row.locator('.fb-votes')).toHaveText('3');
  await expect(row).toContainText('4.0');
  await expect(row.getByRole('link', { name: 'checkout' })).toBeVisible();
  await shot('feedback-board');

  const after = await api.get<Item>(`/feedback/${itemId}`);
  expect(after.votes).toBe(3);
  expect(after.meanPain).toBe(4);
});

test('the platform team merges the duplicate and records an interview', async ({
  page,
  baseUrl,
  api,
  shot,
}) => {
  await open(page, baseUrl, `/feedback/${duplicateId}`);
  const merge = page.getByRole('form', { name: 'Merge into another item' });
  await merge.getByLabel('Duplicate of').fill(itemId);
  await merge.getByRole('button', { name: 'Merge…' }).click();
  await merge.getByRole('button', { name: 'Confirm merge' }).click();
  // Lands on the kept item, which lists the duplicate; the voter who voted on both counts once.
  await expect(page.locator('main h1')).toHaveText(`${itemId} ${title}`);
  await expect(
    page.getByRole('link', { name: new RegExp(`${duplicateId} ${duplicateTitle}`) }),
  ).toBeVisible();
  await expect(page.getByTestId('vote-count')).toHaveText('3');
  const comments = page.getByRole('form', { name: 'Add a comment' });
  await comments.getByLabel('Comment (Markdown)').fill(`Same on **search** ${run}`);
  await comments.getByRole('button', { name: 'Add comment' }).click();
  await expect(
    page
      .locator('.fb-comment', { hasText: `Same on search ${run}` })
      .locator('strong', { hasText: 'search' }),
  ).toBeVisible();
  const kept = await api.get<Item>(`/feedback/${itemId}`);
  expect(kept.duplicates.map((d) => d.id)).toEqual([duplicateId]);
  expect(kept.voters.find((v) => v.voter.includes(reachable))?.pain).toBe(5);

  await open(page, baseUrl, '/interviews');
  const form = page.getByRole('form', { name: 'Record an interview' });
  await form.getByLabel('Team').selectOption('commerce');
  await form.getByLabel('Participants').fill('Wen, Ola');
  await form.getByLabel('Summary').fill(`Hotfixes wait for the gate ${run}`);
  await form.getByLabel('Notes (Markdown)').fill('- the gate has no p0 exception\n- **40 min** lost');
  await form.getByLabel('Feedback items it supports').selectOption([itemId]);
  await form.getByRole('button', { name: 'Record interview' }).click();
  await expect(page.getByText(/Recorded INT-\d+ with commerce/)).toBeVisible();
  const interviewRow = page.locator('main tr', { hasText: `Hotfixes wait for the gate ${run}` });
  await expect(interviewRow.getByRole('link', { name: itemId })).toBeVisible();
  // The cadence panel counts commerce in this week.
  await expect(
    page.getByRole('table', { name: 'Interviews per week' }).locator('tbody tr').first(),
  ).toContainText('commerce');
  await shot('interviews');
  expect((await api.get<Item>(`/feedback/${itemId}`)).interviews).toHaveLength(1);
});

test('marking it done tells the voters: "you said, we did"', async ({ page, baseUrl, api, shot }) => {
  await open(page, baseUrl, `/feedback/${itemId}`);
  const form = page.getByRole('form', { name: 'Change status' });
  await expect(form).toContainText('you said, we did');
  await form.getByLabel('New status').selectOption('done');
  await expect(form.getByLabel('Note (required)')).toBeVisible();
  await form.getByLabel('Note (required)').fill(note);
  await form.getByRole('button', { name: 'Mark done and notify' }).click();

  const result = page.getByTestId('status-result');
  await expect(result).toContainText(`${itemId} is done.`);
  await expect(result.locator('.fb-reached')).toContainText(reachable);
  await expect(result.locator('.fb-unreached', { hasText: unreachable })).toContainText('no e-mail address');
  await expect(page.locator('main .page-head')).toContainText('done');
  await shot('feedback-item-done');

  const stored = await api.get<Item>(`/feedback/${itemId}`);
  expect(stored.status).toBe('done');
  const closing = stored.history.at(-1);
  expect(closing?.notified?.reached.some((u) => u.includes(reachable))).toBe(true);

  // The outbox holds the mail to the voter, through the mailto: channel.
  const mails = await api.get<Notification[]>(
    `/notifications?channel=${encodeURIComponent(`mailto:${reachableEmail}`)}`,
  );
  const mail = mails.find((m) => m.message.data?.item === itemId);
  expect(mail, 'a "you said, we did" mail in the outbox').toBeDefined();
  expect(mail?.message.text).toContain(note);
});

test('the discovery home shows the board, the top items and the cadence', async ({
  page,
  baseUrl,
  api,
  shot,
}) => {
  const open1 = await api.post<Item>('/feedback', {
    kind: 'request',
    title: `Night pages for search ${run}`,
    services: ['search'],
    board: 'Release',
  });
  await api.post(`/feedback/${open1.id}/votes`, { pain: 4 });
  await open(page, baseUrl, '/discovery');
  const main = page.locator('main');
  for (const place of [
    'Feedback board',
    'Interviews',
    'Opportunity tree',
    'Backlog',
    'Surveys',
    'Platform panel',
  ])
    await expect(
      main.getByRole('navigation', { name: 'Discovery' }).getByRole('link', { name: new RegExp(place) }),
    ).toBeVisible();
  await expect(main.getByRole('link', { name: `${open1.id} Night pages for search ${run}` })).toBeVisible();
  // The done item is not among the open ones.
  await expect(main.getByRole('link', { name: `${itemId} ${title}` })).toHaveCount(0);
  const board = main.getByRole('row', { name: /^Release/ });
  await expect(board).toBeVisible();
  await expect(board.getByRole('cell').last()).not.toHaveText('0');
  await expect(main.getByRole('table', { name: 'Interviews per week' })).toContainText('commerce');
  await shot('discovery');
});

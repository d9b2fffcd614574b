import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BrowserSession, chromiumMissing, launchChromium } from './support/browser';
import { syntheticArticle } from './support/synthetic-articles';
import { ARTIFACTS, type StoredArticle, TestSystem, postJson } from './support/test-system';

const seeds = join(__dirname, 'fixtures', 'seeds');
const KYIV = 'kyiv-independent-naryshkin-ratcliffe.txt';
const KENYA = 'rt-kenya-star-naryshkin-ratcliffe.txt';

/** A story unlike the seeds and the synthetic articles, so it starts an event of its own. */
const LIVE_ARTICLE = {
  source: 'Live Wire',
  url: 'https://live.example.org/lighthouse',
  title: 'Volunteers relight the old Svalbard lighthouse after forty years of darkness',
  text: [
    'A group of volunteers relit the old lighthouse on the Svalbard coast on Saturday evening, forty years after the keepers left and the lamp was switched off for good.',
    'The restoration took three summers. Retired engineers rebuilt the clockwork that turns the lens, while a glazier from Tromsø replaced the cracked panes of the lantern room by hand.',
    'Local fishermen said the beam would not be used for navigation, which now relies on satellites, but that seeing it sweep across the fjord again felt like welcoming an old friend home.',
  ].join('\n\n'),
};

const skipReason = chromiumMissing();
if (skipReason) console.warn(skipReason);
const describeInBrowser = skipReason ? describe.skip : describe;

describeInBrowser('the events dashboard in a real browser (Chromium)', () => {
  let system: TestSystem;
  let browser: BrowserSession;
  let kyiv: StoredArticle;
  let kenya: StoredArticle;
  let hostile: StoredArticle;

  async function postDump(file: string, query: string): Promise<StoredArticle> {
    const response = await fetch(`${system.ingestUrl}/articles${query}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: readFileSync(join(seeds, file), 'utf8'),
    });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    return system.processedArticle(id);
  }

  async function postArticle(article: Record<string, unknown>): Promise<StoredArticle> {
    const response = await postJson(`${system.ingestUrl}/articles`, article);
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    return system.processedArticle(id);
  }

  beforeAll(async () => {
    // The synthetic articles share a handful of names and places, which the refinement reads as one
    // story; the paging checks need them as the separate events the online pass makes.
    system = await TestSystem.start({ env: { normalizer: { EVENT_REFINEMENT: 'off' } } });
    kyiv = await postDump(KYIV, `?source=${encodeURIComponent('Kyiv Independent')}`);
    kenya = await postDump(KENYA, `?source=${encodeURIComponent('Kenya Star')}`);
    // A re-post: listed under the article it copies.
    await postDump(
      KYIV,
      `?source=mirror&url=${encodeURIComponent('https://mirror.example.org/naryshkin')}`,
    );
    for (const seed of [1, 2, 3]) await postArticle(syntheticArticle(seed, 'Synthetic Wire'));
    const base = syntheticArticle(7, 'Hostile Wire');
    // Markup spelled as entities in a page: the cleaned text holds the literal tags.
    const markup =
      `The page said &lt;script&gt;window.__pwned='script'&lt;/script&gt; and ` +
      `&lt;img src=x onerror="window.__pwned='img'"&gt; twice.`;
    hostile = await postArticle({
      source: base.source,
      url: 'https://example.org/news/hostile',
      title: `${base.title} <img src=x onerror="window.__pwned='title'">`,
      html: `<html><body><article><h1>${base.title}</h1>${base.text
        .split('\n\n')
        .map((paragraph) => `<p>${paragraph}</p>`)
        .join('')}<p>${markup}</p></article></body></html>`,
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('puts the seed story in one event with two outlets', () => {
    expect(kyiv.status).toBe('stored');
    expect(kenya.status).toBe('stored');
    expect(kenya.eventId).toBe(kyiv.eventId);
  });

  it('serves a first view under 100 KB, all of it from the store', async () => {
    const { page } = browser;
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    await page.goto(`${system.storeUrl}/`, { waitUntil: 'networkidle' });
    await page.locator('#event-list > li').first().waitFor();
    // Runs in the page (a string: this file is type-checked without the DOM library).
    const transfer = await page.evaluate<{ url: string; bytes: number }[]>(
      `[...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
        .map((entry) => ({ url: entry.name, bytes: entry.transferSize }))`,
    );
    const total = transfer.reduce((sum, entry) => sum + entry.bytes, 0);
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(
      join(ARTIFACTS, 'dashboard-transfer.json'),
      JSON.stringify({ totalBytes: total, entries: transfer }, null, 2),
    );
    console.log(`dashboard first view: ${total} bytes transferred`, transfer);
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThan(100_000);
    for (const url of requested) expect(url.startsWith(system.storeUrl)).toBe(true);
    expect(browser.errors).toEqual([]);
  });

  it('pages through the events with the API cursors as the list scrolls', async () => {
    const { page } = browser;
    const everything = (await (await fetch(`${system.storeUrl}/events?limit=100`)).json()) as {
      items: { id: string }[];
    };
    expect(everything.items.length).toBeGreaterThan(2);
    // Pages of two instead of twenty, so these few events take several pages.
    await page.route(/\/events\?/, (route) => {
      const url = new URL(route.request().url());
      if (url.searchParams.get('limit') === '20') url.searchParams.set('limit', '2');
      return route.continue({ url: url.toString() });
    });
    try {
      await page.reload();
      await page.locator('#event-list > li').first().waitFor();
      // A locator, not a waitForFunction string: the page's CSP forbids eval, which that polls with.
      await page
        .locator('#event-list > li')
        .nth(everything.items.length - 1)
        .waitFor();
      const ids = await Promise.all(
        (await page.locator('#event-list > li').all()).map((item) =>
          item.getAttribute('data-event-id'),
        ),
      );
      expect(ids).toEqual(everything.items.map((item) => item.id));
      // Loaded by paging, not slipped in by the live updates.
      await expect(page.locator('#event-list > li.fresh').count()).resolves.toBe(0);
      await expect(page.locator('button.more').isHidden()).resolves.toBe(true);
    } finally {
      await page.unrouteAll();
    }
  });

  it('lists the event with both outlets, finds it by search and opens it by keyboard', async () => {
    const { page } = browser;
    const card = page.locator(`li[data-event-id="${kyiv.eventId}"]`);
    await card.waitFor();
    await expect(card.locator('.outlets li').allTextContents()).resolves.toEqual(
      expect.arrayContaining(['Kyiv Independent', 'Kenya Star']),
    );
    await expect(card.locator('.count').textContent()).resolves.toBe('2 articles');

    // `/` jumps to the search box; the search is in the URL, so the view can be shared.
    await page.locator('body').press('/');
    await page.keyboard.type('Naryshkin Ratcliffe');
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.hash.startsWith('#/?q='));
    expect(new URL(page.url()).hash).toBe('#/?q=Naryshkin+Ratcliffe');
    await page.locator('#list-heading', { hasText: 'Naryshkin' }).waitFor();
    await expect(page.locator('#event-list > li').count()).resolves.toBe(1);
    await card.waitFor();

    // The shared URL opens the same view in a fresh load.
    await page.goto(`${system.storeUrl}/#/?q=Naryshkin+Ratcliffe`);
    await page.locator('#event-list > li').first().waitFor();
    await expect(page.locator('input[name=q]').inputValue()).resolves.toBe('Naryshkin Ratcliffe');
    await expect(page.locator('#event-list > li').count()).resolves.toBe(1);

    // j focuses the first event, Enter opens it.
    await page.locator('body').press('j');
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.hash === `#/events/${kyiv.eventId}`);
    await page.locator('.columns .column').first().waitFor();
  });

  it('shows the event: articles side by side, the duplicate under its original, a timeline', async () => {
    const { page } = browser;
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-event.png'), fullPage: true });
    // The event is titled by one of its members' headlines (whichever is most representative).
    const event = (await (await fetch(`${system.storeUrl}/events/${kyiv.eventId}`)).json()) as {
      title: string;
    };
    expect([kyiv.title, kenya.title]).toContain(event.title);
    await expect(page.locator('#event-heading').textContent()).resolves.toBe(event.title);
    const columns = page.locator('.columns > .column');
    await expect(columns.count()).resolves.toBe(2);
    // Side by side in publication order (the Kyiv dump carries no date: placed when received).
    const outlets = await columns.locator('header .outlet').allTextContents();
    expect([...outlets].sort()).toEqual(['Kenya Star', 'Kyiv Independent']);
    const kyivColumn = page.locator(`.column[data-article-id="${kyiv.id}"]`);
    await expect(kyivColumn.locator('.duplicates li').allTextContents()).resolves.toEqual([
      expect.stringContaining('mirror'),
    ]);
    await expect(kyivColumn.locator('.byline').textContent()).resolves.toContain('Tim Zadorozhnyy');
    // Folded to the first paragraphs; the rest one keypress away.
    await expect(kyivColumn.locator('.text > p').count()).resolves.toBe(2);
    await expect(kyivColumn.locator('details summary').textContent()).resolves.toMatch(
      /^Show \d+ more paragraphs?$/,
    );
    const rows = await page.locator('.timeline .row .outlet').allTextContents();
    expect([...rows].sort()).toEqual(['Kenya Star', 'Kyiv Independent', 'mirror']);
    await expect(page.locator('.timeline .mark').count()).resolves.toBe(3);
    await expect(page.locator('.timeline .mark.duplicate').count()).resolves.toBe(1);
    expect(browser.errors).toEqual([]);
  });

  it('shows an article with markup in it as text, with a link to the original', async () => {
    const { page } = browser;
    // The pipeline strips tags (even ones spelled as entities); the page must not depend on it,
    // so this article reaches the browser with markup put back into its title and text.
    const markup = {
      ...hostile,
      title: `${hostile.title} <img src=x onerror="window.__pwned='title'">`,
      text: `${hostile.text}\n\nThe page said <script>window.__pwned='script'</script> and <img src=x onerror="window.__pwned='img'"> twice.`,
    };
    await page.route(`${system.storeUrl}/articles/${hostile.id}`, (route) =>
      route.fulfill({ json: markup }),
    );
    await page.goto(`${system.storeUrl}/#/articles/${hostile.id}`);
    await page.locator('#article-heading').waitFor();
    await expect(page.locator('#article-heading').textContent()).resolves.toBe(markup.title);
    await expect(page.locator('main .text p').allTextContents()).resolves.toEqual(
      markup.text.split('\n\n'),
    );
    await expect(page.locator('main img').count()).resolves.toBe(0);
    await expect(page.locator('main script').count()).resolves.toBe(0);
    await expect(page.evaluate<boolean>(`'__pwned' in window`)).resolves.toBe(false);
    await expect(page.locator('a.original').getAttribute('href')).resolves.toBe(
      'https://example.org/news/hostile',
    );
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-article.png'), fullPage: true });
    expect(browser.errors).toEqual([]);
  });

  it('shows new events without a reload', async () => {
    const { page } = browser;
    await page.goto(`${system.storeUrl}/`);
    await page.locator('#event-list > li').first().waitFor();
    await page.evaluate(`window.__sameDocument = true`);
    const shown = await Promise.all(
      (await page.locator('#event-list > li').all()).map((item) =>
        item.getAttribute('data-event-id'),
      ),
    );
    const live = await postArticle(LIVE_ARTICLE);
    expect(shown).not.toContain(live.eventId);
    const card = page.locator(`li[data-event-id="${live.eventId}"]`);
    await card.waitFor({ timeout: 30_000 });
    await expect(card.getAttribute('class')).resolves.toBe('fresh');
    await expect(page.evaluate<boolean>(`'__sameDocument' in window`)).resolves.toBe(true);
  });

  it('keeps the JSON API where it was', async () => {
    for (const path of ['/events', '/articles', '/health/live', '/docs/json']) {
      const response = await fetch(`${system.storeUrl}${path}`);
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
      expect(response.headers.get('content-type')).toContain('application/json');
    }
    const page = await fetch(`${system.storeUrl}/`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
  });
});

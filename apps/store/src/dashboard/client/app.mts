/**
 * The events dashboard: a dependency-free single page over the store's REST API.
 *
 * Routes live in the URL hash so they never collide with the API's paths:
 *   #/?q=&source=&since=&until=   the events, newest first (filters shareable)
 *   #/events/:id                  one event, its articles side by side
 *   #/articles/:id                one article
 *
 * Every string that comes from an article is put into the page as text (text nodes,
 * textContent, attribute values), never parsed as HTML.
 */

import type { ArticleView, EventDetailView, EventView, Page } from '../../views/api-views.js';

interface Filters {
  q: string;
  source: string;
  since: string;
  until: string;
}

type Route =
  | { view: 'list'; filters: Filters }
  | { view: 'event'; id: string }
  | { view: 'article'; id: string };

const PAGE_SIZE = 20;
const POLL_MS = 5_000;
const FOLDED_PARAGRAPHS = 2;
const FILTER_KEYS = ['q', 'source', 'since', 'until'] as const;

// ---------------------------------------------------------------- DOM helpers

type Child = Node | string | number | null | undefined | false;
type Attributes = Record<string, string | number | boolean | null | undefined>;

/** Creates an element; strings become text nodes, attributes are set one by one. */
function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, ...children);
  return element;
}

function append(parent: Element, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(typeof child === 'number' ? String(child) : child);
  }
}

function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from the page`);
  return element as T;
}

// ---------------------------------------------------------------- formatting

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const shortDateTime = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

function timeElement(iso: string | null, format = dateTime): HTMLElement {
  if (!iso) return h('span', { class: 'muted' }, 'unknown time');
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return h('span', { class: 'muted' }, 'unknown time');
  return h(
    'time',
    { datetime: date.toISOString(), title: date.toISOString() },
    format.format(date),
  );
}

function timeSpan(first: string | null, last: string | null): HTMLElement {
  if (!first && !last) return h('span', { class: 'muted' }, 'no publication time');
  if (!first || !last || first === last) return timeElement(first ?? last);
  return h('span', null, timeElement(first), ' – ', timeElement(last));
}

function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

function paragraphsOf(text: string | null): string[] {
  return (text ?? '')
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.trim())
    .filter((paragraph) => paragraph.length > 0);
}

/** Only http(s) links reach an href; anything else (javascript:, data:, junk) is shown as text. */
function safeWebUrl(value: string | null): URL | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

/** The time an article is placed at: its publication time, else when newsflow received it. */
function articleTime(article: ArticleView): { iso: string; received: boolean } {
  return article.publishedAt
    ? { iso: article.publishedAt, received: false }
    : { iso: article.receivedAt, received: true };
}

// ---------------------------------------------------------------- API

class NotFoundError extends Error {}

async function getJson<T>(path: string, signal: AbortSignal): Promise<T> {
  const response = await fetch(path, { headers: { accept: 'application/json' }, signal });
  if (response.status === 404) throw new NotFoundError(path);
  if (!response.ok) throw new Error(`${path} answered ${response.status}`);
  return (await response.json()) as T;
}

/** The API's `until` is exclusive; the form's "to" date is the last day shown. */
function apiQuery(filters: Filters, cursor: string | null, limit = PAGE_SIZE): string {
  const params = new URLSearchParams();
  if (filters.q) params.set('q', filters.q);
  if (filters.source) params.set('source', filters.source);
  if (filters.since) params.set('since', filters.since);
  if (filters.until) {
    const until = new Date(`${filters.until}T00:00:00Z`);
    if (!Number.isNaN(until.getTime())) {
      until.setUTCDate(until.getUTCDate() + 1);
      params.set('until', until.toISOString().slice(0, 10));
    }
  }
  params.set('limit', String(limit));
  if (cursor) params.set('cursor', cursor);
  return params.toString();
}

// ---------------------------------------------------------------- routing

function emptyFilters(): Filters {
  return { q: '', source: '', since: '', until: '' };
}

function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '');
  const [pathname, search = ''] = path.split('?', 2);
  const match = /^\/(events|articles)\/([0-9a-fA-F-]{36})$/.exec(pathname);
  if (match) return { view: match[1] === 'events' ? 'event' : 'article', id: match[2] };
  const params = new URLSearchParams(search);
  const filters = emptyFilters();
  for (const key of FILTER_KEYS) filters[key] = (params.get(key) ?? '').trim();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(filters.since)) filters.since = '';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(filters.until)) filters.until = '';
  return { view: 'list', filters };
}

function listHash(filters: Filters): string {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) if (filters[key]) params.set(key, filters[key]);
  const search = params.toString();
  return search ? `#/?${search}` : '#/';
}

const eventHref = (id: string) => `#/events/${id}`;
const articleHref = (id: string) => `#/articles/${id}`;

// ---------------------------------------------------------------- the page shell

const main = byId<HTMLElement>('main');
const status = byId<HTMLElement>('status');
const form = byId<HTMLFormElement>('filters');
const sourceOptions = byId<HTMLDataListElement>('sources');
const knownSources = new Set<string>();

/** Set per view: aborting it cancels that view's requests and its polling. */
let viewController = new AbortController();
let lastListHash = '#/';
let firstRender = true;

function announce(message: string): void {
  status.textContent = '';
  // A fresh text node each time, so screen readers announce a repeated message too.
  window.setTimeout(() => (status.textContent = message), 50);
}

function rememberSources(sources: readonly (string | null)[]): void {
  for (const source of sources) {
    if (!source || knownSources.has(source)) continue;
    knownSources.add(source);
    sourceOptions.append(h('option', { value: source }));
  }
}

function fillForm(filters: Filters): void {
  for (const key of FILTER_KEYS) {
    const input = form.elements.namedItem(key);
    if (input instanceof HTMLInputElement) input.value = filters[key];
  }
}

function readForm(): Filters {
  const filters = emptyFilters();
  for (const key of FILTER_KEYS) {
    const input = form.elements.namedItem(key);
    if (input instanceof HTMLInputElement) filters[key] = input.value.trim();
  }
  return filters;
}

function show(title: string, ...content: Child[]): void {
  document.title = title ? `${title} · newsflow` : 'newsflow';
  main.replaceChildren();
  append(main, ...content);
  main.setAttribute('aria-busy', 'false');
  // Keyboard and screen-reader users land on the new view's heading, not at the old link.
  if (!firstRender) main.querySelector<HTMLElement>('h1')?.focus({ preventScroll: true });
  firstRender = false;
}

function heading(text: string): HTMLHeadingElement {
  return h('h1', { tabindex: -1 }, text);
}

function showError(error: unknown, what: string): void {
  if (error instanceof DOMException && error.name === 'AbortError') return;
  if (error instanceof NotFoundError) {
    show(
      'Not found',
      heading(`${what} not found`),
      h(
        'p',
        null,
        `There is no ${what.toLowerCase()} with this id, or it has not been processed yet. `,
        h('a', { href: lastListHash }, 'Back to the events'),
      ),
    );
    return;
  }
  show(
    'Error',
    heading(`Could not load the ${what.toLowerCase()}`),
    h('p', null, error instanceof Error ? error.message : String(error)),
    h('p', null, h('button', { type: 'button', 'data-action': 'retry' }, 'Try again')),
  );
}

async function render(): Promise<void> {
  viewController.abort();
  viewController = new AbortController();
  const signal = viewController.signal;
  const route = parseRoute(location.hash);
  main.setAttribute('aria-busy', 'true');
  switch (route.view) {
    case 'list':
      lastListHash = listHash(route.filters);
      fillForm(route.filters);
      return renderList(route.filters, signal).catch((error) => showError(error, 'Events'));
    case 'event':
      return renderEvent(route.id, signal).catch((error) => showError(error, 'Event'));
    case 'article':
      return renderArticle(route.id, signal).catch((error) => showError(error, 'Article'));
  }
}

// ---------------------------------------------------------------- the events list

function eventCard(event: EventView, fresh = false): HTMLLIElement {
  rememberSources(event.sources);
  const title = event.title ?? '(untitled event)';
  return h(
    'li',
    {
      'data-event-id': event.id,
      'data-updated-at': event.updatedAt,
      class: fresh ? 'fresh' : null,
    },
    h(
      'article',
      { class: 'card', 'aria-labelledby': `event-${event.id}` },
      h('h2', null, h('a', { href: eventHref(event.id), id: `event-${event.id}` }, title)),
      h(
        'p',
        { class: 'meta' },
        timeSpan(event.firstPublishedAt, event.lastPublishedAt),
        ' · ',
        h('span', { class: 'count' }, plural(event.articleCount, 'article')),
        fresh ? h('span', { class: 'badge' }, 'new') : null,
      ),
      h(
        'ul',
        { class: 'outlets', 'aria-label': 'Outlets' },
        ...event.sources.map((source) => h('li', null, source)),
      ),
    ),
  );
}

function describeFilters(filters: Filters): string {
  const parts: string[] = [];
  if (filters.q) parts.push(`matching “${filters.q}”`);
  if (filters.source) parts.push(`from ${filters.source}`);
  if (filters.since) parts.push(`since ${filters.since}`);
  if (filters.until) parts.push(`until ${filters.until}`);
  return parts.length ? `Events ${parts.join(', ')}` : 'All events, newest first';
}

async function renderList(filters: Filters, signal: AbortSignal): Promise<void> {
  const first = await getJson<Page<EventView>>(`/events?${apiQuery(filters, null)}`, signal);
  const list = h('ol', { class: 'events', id: 'event-list', 'aria-labelledby': 'list-heading' });
  const shown = new Set<string>();
  const addItems = (items: EventView[]) => {
    for (const event of items) {
      if (shown.has(event.id)) continue;
      shown.add(event.id);
      list.append(eventCard(event));
    }
  };
  addItems(first.items);

  let cursor = first.nextCursor;
  const more = h('button', { type: 'button', class: 'more' }, 'Load more events');
  const summary = h('p', { class: 'summary' });
  const updateSummary = () => {
    summary.textContent =
      shown.size === 0
        ? 'No events yet. New ones appear here as they are processed.'
        : `${plural(shown.size, 'event')} shown${cursor ? '; more below' : ''}.`;
    more.hidden = cursor === null;
  };
  updateSummary();

  let loading = false;
  const loadMore = async () => {
    if (loading || cursor === null) return;
    loading = true;
    more.disabled = true;
    more.textContent = 'Loading…';
    try {
      const page = await getJson<Page<EventView>>(`/events?${apiQuery(filters, cursor)}`, signal);
      addItems(page.items);
      cursor = page.nextCursor;
      announce(`${plural(page.items.length, 'more event')} loaded`);
    } catch (error) {
      if (!signal.aborted) announce(`Could not load more events: ${String(error)}`);
    } finally {
      loading = false;
      more.disabled = false;
      more.textContent = 'Load more events';
      updateSummary();
    }
  };
  more.addEventListener('click', () => void loadMore());

  // Infinite scroll: the button loads the next page by itself when it scrolls into view.
  const observer = new IntersectionObserver((entries) => {
    if (entries.some((entry) => entry.isIntersecting)) void loadMore();
  });
  observer.observe(more);
  signal.addEventListener('abort', () => observer.disconnect());

  show(
    filters.q || filters.source || filters.since || filters.until ? 'Search' : '',
    h('h1', { id: 'list-heading', tabindex: -1 }, describeFilters(filters)),
    summary,
    list,
    more,
  );

  pollForNewEvents(filters, list, shown, updateSummary, signal);
}

/** Live updates: re-reads the first page; new events slot in, changed ones are redrawn. */
function pollForNewEvents(
  filters: Filters,
  list: HTMLOListElement,
  shown: Set<string>,
  updateSummary: () => void,
  signal: AbortSignal,
): void {
  const poll = async () => {
    if (document.hidden) return;
    const page = await getJson<Page<EventView>>(`/events?${apiQuery(filters, null, 50)}`, signal);
    let added = 0;
    page.items.forEach((event, index) => {
      const existing = list.querySelector<HTMLLIElement>(
        `li[data-event-id="${CSS.escape(event.id)}"]`,
      );
      if (existing) {
        if (existing.dataset.updatedAt !== event.updatedAt) {
          existing.replaceWith(eventCard(event, existing.classList.contains('fresh')));
        }
        return;
      }
      // Before the next event of the page that is already shown; else at the end of the list.
      const next = page.items
        .slice(index + 1)
        .map((later) =>
          list.querySelector<HTMLLIElement>(`li[data-event-id="${CSS.escape(later.id)}"]`),
        )
        .find((element) => element !== null);
      const card = eventCard(event, true);
      if (next) list.insertBefore(card, next);
      else list.append(card);
      shown.add(event.id);
      added += 1;
    });
    if (added > 0) {
      updateSummary();
      announce(`${plural(added, 'new event')}`);
    }
  };
  const timer = window.setInterval(() => {
    poll().catch(() => undefined);
  }, POLL_MS);
  signal.addEventListener('abort', () => window.clearInterval(timer));
}

// ---------------------------------------------------------------- one event

interface Column {
  article: ArticleView;
  duplicates: ArticleView[];
}

/** Unique articles in order, each with the duplicates that copy it (following chains). */
function columnsOf(articles: ArticleView[]): { columns: Column[]; orphans: ArticleView[] } {
  const byArticleId = new Map(articles.map((article) => [article.id, article]));
  const columns = new Map<string, Column>();
  for (const article of articles) {
    if (article.status !== 'duplicate') columns.set(article.id, { article, duplicates: [] });
  }
  const orphans: ArticleView[] = [];
  for (const article of articles) {
    if (article.status !== 'duplicate') continue;
    let original = article.duplicateOf;
    const seen = new Set<string>([article.id]);
    while (original && !columns.has(original) && !seen.has(original)) {
      seen.add(original);
      original = byArticleId.get(original)?.duplicateOf ?? null;
    }
    const column = original ? columns.get(original) : undefined;
    if (column) column.duplicates.push(article);
    else orphans.push(article);
  }
  return { columns: [...columns.values()], orphans };
}

function foldedText(text: string | null): HTMLElement {
  const paragraphs = paragraphsOf(text);
  const body = h('div', { class: 'text' });
  if (paragraphs.length === 0) {
    body.append(h('p', { class: 'muted' }, 'No text.'));
    return body;
  }
  for (const paragraph of paragraphs.slice(0, FOLDED_PARAGRAPHS))
    body.append(h('p', null, paragraph));
  const rest = paragraphs.slice(FOLDED_PARAGRAPHS);
  if (rest.length > 0) {
    body.append(
      h(
        'details',
        null,
        h('summary', null, `Show ${plural(rest.length, 'more paragraph')}`),
        ...rest.map((paragraph) => h('p', null, paragraph)),
      ),
    );
  }
  return body;
}

function duplicateItem(article: ArticleView): HTMLLIElement {
  return h(
    'li',
    null,
    h('span', { class: 'outlet' }, article.source ?? 'unknown outlet'),
    ' · ',
    timeElement(articleTime(article).iso, shortDateTime),
    ' · ',
    h('a', { href: articleHref(article.id) }, article.title ?? '(untitled)'),
  );
}

function articleColumn({ article, duplicates }: Column): HTMLElement {
  const titleId = `article-${article.id}`;
  const time = articleTime(article);
  return h(
    'article',
    { class: 'column', 'aria-labelledby': titleId, 'data-article-id': article.id },
    h(
      'header',
      null,
      h('p', { class: 'outlet' }, article.source ?? 'unknown outlet'),
      h(
        'h3',
        null,
        h('a', { href: articleHref(article.id), id: titleId }, article.title ?? '(untitled)'),
      ),
      h(
        'p',
        { class: 'byline' },
        article.author ? `By ${article.author} · ` : null,
        timeElement(time.iso),
        time.received ? h('span', { class: 'muted' }, ' (received)') : null,
      ),
    ),
    foldedText(article.text),
    duplicates.length > 0
      ? h(
          'section',
          { class: 'duplicates', 'aria-label': `Duplicates of ${article.title ?? 'this article'}` },
          h('h4', null, `${plural(duplicates.length, 'duplicate')} of this article`),
          h('ul', null, ...duplicates.map(duplicateItem)),
        )
      : null,
  );
}

/** One row per outlet, a mark per article at its time on a shared axis. */
function timeline(articles: ArticleView[]): HTMLElement {
  const points = articles.map((article) => ({ article, ...articleTime(article) }));
  const times = points.map((point) => new Date(point.iso).getTime()).filter(Number.isFinite);
  const start = Math.min(...times);
  const end = Math.max(...times);
  const position = (iso: string) =>
    end > start ? ((new Date(iso).getTime() - start) / (end - start)) * 100 : 50;
  const outlets = new Map<string, typeof points>();
  for (const point of points) {
    const outlet = point.article.source ?? 'unknown outlet';
    outlets.set(outlet, [...(outlets.get(outlet) ?? []), point]);
  }
  const rows = [...outlets.entries()].map(([outlet, marks]) =>
    h(
      'li',
      { class: 'row' },
      h('span', { class: 'outlet' }, outlet),
      h(
        'ul',
        { class: 'track', 'aria-label': `${outlet}: ${plural(marks.length, 'article')}` },
        ...marks.map((mark) => {
          const label = `${mark.article.title ?? '(untitled)'}${
            mark.article.status === 'duplicate' ? ' (duplicate)' : ''
          }${mark.received ? ' (received)' : ''}`;
          const item = h(
            'li',
            {
              class: mark.article.status === 'duplicate' ? 'mark duplicate' : 'mark',
              title: `${dateTime.format(new Date(mark.iso))}: ${label}`,
            },
            h('span', { class: 'visually-hidden' }, timeElement(mark.iso), `: ${label}`),
          );
          item.style.left = `${position(mark.iso).toFixed(2)}%`;
          return item;
        }),
      ),
    ),
  );
  return h(
    'figure',
    { class: 'timeline' },
    h('ol', { class: 'rows' }, ...rows),
    h(
      'figcaption',
      null,
      times.length ? timeElement(new Date(start).toISOString()) : null,
      end > start ? h('span', null, ' → ', timeElement(new Date(end).toISOString())) : null,
      h('span', { class: 'muted' }, ' · when each outlet published (hollow: duplicates)'),
    ),
  );
}

async function renderEvent(id: string, signal: AbortSignal): Promise<void> {
  // A merged event answers 308 to the event it merged into; fetch follows it, the address too.
  const event = await getJson<EventDetailView>(`/events/${encodeURIComponent(id)}`, signal);
  const merged = event.id.toLowerCase() !== id.toLowerCase();
  if (merged) history.replaceState(history.state, '', eventHref(event.id));
  const title = event.title ?? '(untitled event)';
  const { columns, orphans } = columnsOf(event.articles);
  show(
    title,
    h('nav', { 'aria-label': 'Breadcrumb' }, h('a', { href: lastListHash }, '← Events')),
    h(
      'article',
      { class: 'event', 'aria-labelledby': 'event-heading' },
      h(
        'header',
        null,
        h('h1', { id: 'event-heading', tabindex: -1 }, title),
        merged
          ? h(
              'p',
              { class: 'merged-note', role: 'note' },
              'The event you opened turned out to be this story and merged into it.',
            )
          : null,
        h(
          'p',
          { class: 'meta' },
          timeSpan(event.firstPublishedAt, event.lastPublishedAt),
          ' · ',
          plural(event.articleCount, 'article'),
          ' · ',
          plural(event.sources.length, 'outlet'),
        ),
        h(
          'ul',
          { class: 'outlets', 'aria-label': 'Outlets' },
          ...event.sources.map((source) => h('li', null, source)),
        ),
      ),
      h(
        'section',
        { 'aria-labelledby': 'timeline-heading' },
        h('h2', { id: 'timeline-heading' }, 'Timeline'),
        event.articles.length ? timeline(event.articles) : h('p', null, 'No articles.'),
      ),
      h(
        'section',
        { 'aria-labelledby': 'articles-heading' },
        h('h2', { id: 'articles-heading' }, 'Articles side by side'),
        h(
          'div',
          { class: 'columns', role: 'region', 'aria-label': 'Articles', tabindex: 0 },
          ...columns.map(articleColumn),
        ),
        orphans.length
          ? h(
              'section',
              { class: 'duplicates', 'aria-labelledby': 'orphans-heading' },
              h('h3', { id: 'orphans-heading' }, 'Other duplicates'),
              h('ul', null, ...orphans.map(duplicateItem)),
            )
          : null,
      ),
    ),
  );
}

// ---------------------------------------------------------------- one article

async function renderArticle(id: string, signal: AbortSignal): Promise<void> {
  const article = await getJson<ArticleView>(`/articles/${encodeURIComponent(id)}`, signal);
  const title = article.title ?? '(untitled)';
  const original = safeWebUrl(article.url) ?? safeWebUrl(article.canonicalUrl);
  const time = articleTime(article);
  show(
    title,
    h(
      'nav',
      { 'aria-label': 'Breadcrumb' },
      h('a', { href: lastListHash }, '← Events'),
      article.eventId ? ' / ' : null,
      article.eventId ? h('a', { href: eventHref(article.eventId) }, 'This event') : null,
    ),
    h(
      'article',
      { class: 'single', 'aria-labelledby': 'article-heading' },
      h(
        'header',
        null,
        h('p', { class: 'outlet' }, article.source ?? 'unknown outlet'),
        h('h1', { id: 'article-heading', tabindex: -1 }, title),
        h(
          'p',
          { class: 'byline' },
          article.author ? `By ${article.author} · ` : null,
          timeElement(time.iso),
          time.received ? ' (received)' : null,
          article.language ? ` · ${article.language}` : null,
        ),
        article.status === 'duplicate'
          ? h(
              'p',
              { class: 'notice' },
              'A duplicate of ',
              article.duplicateOf
                ? h('a', { href: articleHref(article.duplicateOf) }, 'an earlier article')
                : 'an earlier article',
              '.',
            )
          : null,
        article.status === 'rejected'
          ? h('p', { class: 'notice' }, `Rejected: ${article.reason ?? 'no reason given'}`)
          : null,
      ),
      h(
        'div',
        { class: 'text' },
        ...paragraphsOf(article.text).map((paragraph) => h('p', null, paragraph)),
      ),
      h(
        'footer',
        null,
        original
          ? h(
              'a',
              { href: original.href, rel: 'noopener noreferrer nofollow', class: 'original' },
              `Read the original on ${original.host}`,
            )
          : h(
              'p',
              { class: 'muted' },
              article.url
                ? `Original address (not a web link): ${article.url}`
                : 'No original URL.',
            ),
      ),
    ),
  );
}

// ---------------------------------------------------------------- wiring

form.addEventListener('submit', (submitEvent) => {
  submitEvent.preventDefault();
  const target = listHash(readForm());
  if (location.hash === target) void render();
  else location.hash = target;
});
form.addEventListener('reset', () => {
  window.setTimeout(() => (location.hash = '#/'), 0);
});

main.addEventListener('click', (clickEvent) => {
  const target = clickEvent.target;
  if (target instanceof HTMLElement && target.dataset.action === 'retry') void render();
});

byId<HTMLAnchorElement>('skip').addEventListener('click', (clickEvent) => {
  // The hash holds the route: focus the content without changing it.
  clickEvent.preventDefault();
  main.focus();
});

/** `/` jumps to the search box; j/k move between the events of the list. */
document.addEventListener('keydown', (keyEvent) => {
  if (keyEvent.ctrlKey || keyEvent.metaKey || keyEvent.altKey) return;
  const active = document.activeElement;
  if (active instanceof HTMLInputElement || active instanceof HTMLTextAreaElement) return;
  if (keyEvent.key === '/') {
    keyEvent.preventDefault();
    const search = form.elements.namedItem('q');
    if (search instanceof HTMLInputElement) search.focus();
    return;
  }
  if (keyEvent.key !== 'j' && keyEvent.key !== 'k') return;
  const links = [...main.querySelectorAll<HTMLAnchorElement>('#event-list h2 a')];
  if (links.length === 0) return;
  const current = links.findIndex((link) => link === active);
  const next =
    keyEvent.key === 'j'
      ? Math.min(current + 1, links.length - 1)
      : Math.max(current === -1 ? 0 : current - 1, 0);
  links[next].focus();
  keyEvent.preventDefault();
});

window.addEventListener('hashchange', () => {
  // In-page anchors other than routes (none today) leave the view alone.
  if (location.hash === '' || location.hash.startsWith('#/')) void render();
});

void render();

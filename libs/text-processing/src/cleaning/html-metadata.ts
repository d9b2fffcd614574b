/**
 * The fields an HTML page states about itself: JSON-LD, meta tags, `<title>`, `<h1>`, byline and
 * `<time>` elements, the canonical link. Reading only: which candidate becomes the title is chosen
 * in `title.ts` (`chooseHtmlTitle`), and names are checked by `author.ts` (`personNames`).
 */
import { personNames } from './author';
import { parseDateText } from './dates';
import type { FieldParams } from './field-params';
import { normalizeLine } from './text-normalize';
import type { TitleCandidates } from './title';

/** The slice of the DOM read here (the project compiles without the DOM lib). */
interface MetaElement {
  textContent: string | null;
  getAttribute(name: string): string | null;
  querySelector(selector: string): MetaElement | null;
}
export interface MetaDocument {
  documentElement: MetaElement | null;
  head: MetaElement | null;
  querySelectorAll(selector: string): ArrayLike<MetaElement>;
  querySelector(selector: string): MetaElement | null;
}

export interface HtmlMetadata {
  /** The first metadata title (JSON-LD headline, og:title, twitter:title, `<title>`), raw. */
  title: string | null;
  titleCandidates: TitleCandidates;
  author: string | null;
  publishedAt: string | null;
  siteName: string | null;
  language: string | null;
  canonicalUrl: string | null;
  ogUrl: string | null;
}

const ARTICLE_TYPE = /(?:Article|BlogPosting|Report|Posting)$/;
const PAGE_TYPE = /(?:WebPage|ItemPage|AboutPage|QAPage|FAQPage|CollectionPage)$/;
const MAX_JSON_LD_OBJECTS = 200;
const MAX_JSON_LD_DEPTH = 8;
const MAX_H1 = 5;
const MAX_TITLE_CHARS = 400;
const MAX_BYLINE_ELEMENTS = 20;
const MAX_BYLINE_CHARS = 160;

/** Meta names of the publication time, most specific first. */
const PUBLISHED_META = [
  'article:published_time',
  'article:published',
  'og:article:published_time',
  'og:published_time',
  'datepublished',
  'pubdate',
  'publishdate',
  'publish-date',
  'publish_date',
  'published_time',
  'parsely-pub-date',
  'sailthru.date',
  'dc.date.issued',
  'dc.date.created',
  'dc.date',
  'dcterms.issued',
  'dcterms.created',
  'dcterms.date',
  'citation_publication_date',
  'citation_online_date',
  'citation_date',
  'article.published',
  'date',
];
const MODIFIED_META = [
  'article:modified_time',
  'og:updated_time',
  'datemodified',
  'dcterms.modified',
];
const AUTHOR_META = [
  'author',
  'article:author',
  'parsely-author',
  'sailthru.author',
  'byl',
  'dc.creator',
  'dcterms.creator',
];
/** Elements that hold a byline on article pages (schema.org microdata, rel=author, class names). */
const BYLINE_SELECTOR = [
  '[itemprop="author"]',
  '[rel="author"]',
  '[class*="byline"]',
  '[class*="author-name"]',
  '[class*="author__name"]',
  '[class*="authorName"]',
  '[class*="post-author"]',
  '[class*="entry-author"]',
  '[class*="article-author"]',
  'a[href*="/author/"]',
  'a[href*="/authors/"]',
].join(',');
/** "Roy, Aniruddha": citation metadata writes the family name first. */
const FAMILY_NAME_FIRST = /^([\p{L}'’ -]{2,40}),\s*([\p{L}'’. -]{2,40})$/u;
const PUBLISHED_ELEMENT =
  '[itemprop="datePublished"],time[pubdate],time[class*="publish"],[class*="published"] time[datetime]';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function firstString(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() || null;
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = firstString(item);
      if (found !== null) return found;
    }
  }
  if (isRecord(value)) return firstString(value['name']);
  return null;
}

interface JsonLd {
  objects: Record<string, unknown>[];
  byId: ReadonlyMap<string, Record<string, unknown>>;
}

function collectJsonLdObjects(
  value: unknown,
  found: Record<string, unknown>[],
  depth: number,
): void {
  if (depth > MAX_JSON_LD_DEPTH || found.length >= MAX_JSON_LD_OBJECTS) return;
  if (Array.isArray(value)) {
    for (const item of value) collectJsonLdObjects(item, found, depth + 1);
    return;
  }
  if (!isRecord(value)) return;
  found.push(value);
  for (const key of Object.keys(value)) {
    const child = value[key];
    if (typeof child === 'object' && child !== null) collectJsonLdObjects(child, found, depth + 1);
  }
}

function readJsonLd(blocks: readonly string[]): JsonLd {
  const objects: Record<string, unknown>[] = [];
  for (const block of blocks) {
    try {
      collectJsonLdObjects(JSON.parse(block) as unknown, objects, 0);
    } catch {
      // Broken JSON-LD is common; the other metadata sources still apply.
    }
  }
  const byId = new Map<string, Record<string, unknown>>();
  for (const object of objects) {
    const id = object['@id'];
    // The fullest object of an id: a reference ({"@id": ...}) has only the id.
    if (typeof id === 'string' && Object.keys(object).length > (byId.get(id) ? 1 : 0)) {
      const known = byId.get(id);
      if (known === undefined || Object.keys(known).length < Object.keys(object).length) {
        byId.set(id, object);
      }
    }
  }
  return { objects, byId };
}

function hasType(object: Record<string, unknown>, pattern: RegExp): boolean {
  const type = object['@type'];
  const types = Array.isArray(type) ? type : [type];
  return types.some((item) => typeof item === 'string' && pattern.test(item));
}

/** An object that only references another by "@id" reads as the object it names. */
function resolved(value: unknown, jsonLd: JsonLd): unknown {
  if (Array.isArray(value)) return value.map((item) => resolved(item, jsonLd));
  if (isRecord(value) && typeof value['@id'] === 'string' && value['name'] === undefined) {
    return jsonLd.byId.get(value['@id']) ?? value;
  }
  return value;
}

/** The names of a JSON-LD `author` value (string, Person, list of either). */
export function jsonLdAuthorNames(value: unknown): string | null {
  const items = Array.isArray(value) ? value : [value];
  const names: string[] = [];
  for (const item of items) {
    if (isRecord(item) && hasType(item, /Organization$/)) continue;
    const name =
      typeof item === 'string' ? item : isRecord(item) ? firstString(item['name']) : null;
    if (name !== null && name.length > 1 && name.length < 80 && !/^https?:/.test(name)) {
      names.push(name.trim());
    }
  }
  return names.length > 0 ? names.slice(0, 4).join(', ') : null;
}

type MetaTags = ReadonlyMap<string, string>;
const CANONICAL = 'link[rel="canonical"]';

/** Every <meta> of the page by property, name or itemprop (first wins), in one query. */
function metaTagsOf(document: MetaDocument): MetaTags {
  const tags = new Map<string, string>();
  const elements = document.querySelectorAll('meta');
  for (let index = 0; index < elements.length; index += 1) {
    const element = elements[index];
    const content = element.getAttribute('content')?.trim();
    if (!content) continue;
    for (const attribute of ['property', 'name', 'itemprop']) {
      const key = element.getAttribute(attribute)?.trim().toLowerCase();
      if (key && !tags.has(key)) tags.set(key, content);
    }
  }
  return tags;
}

function metaContent(tags: MetaTags, names: readonly string[]): string | null {
  for (const name of names) {
    const content = tags.get(name.toLowerCase());
    if (content !== undefined) return normalizeLine(content);
  }
  return null;
}

function elementText(element: MetaElement | null | undefined): string | null {
  const text = element?.textContent;
  if (!text) return null;
  const line = normalizeLine(text.slice(0, MAX_TITLE_CHARS * 2));
  return line.length > 0 && line.length <= MAX_TITLE_CHARS ? line : null;
}

function titleCandidatesOf(
  document: MetaDocument,
  article: Record<string, unknown> | null,
  meta: MetaTags,
): TitleCandidates {
  const h1s: string[] = [];
  const elements = document.querySelectorAll('h1');
  for (let index = 0; index < elements.length && h1s.length < MAX_H1; index += 1) {
    const text = elementText(elements[index]);
    if (text !== null && !h1s.includes(text)) h1s.push(text);
  }
  return {
    jsonLd: article !== null ? firstString(article['headline']) : null,
    og: metaContent(meta, ['og:title']),
    twitter: metaContent(meta, ['twitter:title']),
    document: elementText(document.querySelector('title')),
    h1s,
  };
}

/** The first byline element that names a person (a link to an author page, a "By ..." line). */
function bylineElementAuthor(document: MetaDocument): string | null {
  const elements = document.querySelectorAll(BYLINE_SELECTOR);
  for (let index = 0; index < Math.min(elements.length, MAX_BYLINE_ELEMENTS); index += 1) {
    const element = elements[index];
    const named = element.querySelector('[itemprop="name"]');
    const text =
      elementText(named) ?? element.getAttribute('content') ?? elementText(element) ?? null;
    if (text === null || text.length > MAX_BYLINE_CHARS) continue;
    const name = personNames(text);
    if (name !== null) return name;
  }
  return null;
}

function publishedElementDate(document: MetaDocument, receivedAt: string): string | null {
  const element = document.querySelector(PUBLISHED_ELEMENT);
  if (element === null) return null;
  const value =
    element.getAttribute('datetime') ?? element.getAttribute('content') ?? elementText(element);
  return value !== null ? parseDateText(value, receivedAt) : null;
}

export function readMetadata(
  document: MetaDocument,
  jsonLdBlocks: readonly string[],
  receivedAt: string,
  params: Readonly<FieldParams>,
): HtmlMetadata {
  const jsonLd = readJsonLd(jsonLdBlocks);
  const article = jsonLd.objects.find((object) => hasType(object, ARTICLE_TYPE)) ?? null;
  const page = jsonLd.objects.find((object) => hasType(object, PAGE_TYPE)) ?? null;
  const meta = metaTagsOf(document);
  const titleCandidates = titleCandidatesOf(document, article, meta);
  const title =
    titleCandidates.jsonLd ??
    titleCandidates.og ??
    titleCandidates.twitter ??
    titleCandidates.document;

  const field = (object: Record<string, unknown> | null, key: string): string | null =>
    object !== null ? firstString(object[key]) : null;
  // Thunks, first plausible date wins: the element queries walk the whole body.
  const dateCandidates: Array<() => string | null> = [
    () => field(article, 'datePublished'),
    () => metaContent(meta, PUBLISHED_META),
    () => field(page, 'datePublished'),
    () => field(article, 'dateCreated'),
    () => publishedElementDate(document, receivedAt),
    () => document.querySelector('time[datetime]')?.getAttribute('datetime') ?? null,
  ];
  if (params.modifiedDateFallback) {
    dateCandidates.push(
      () => field(article, 'dateModified'),
      () => metaContent(meta, MODIFIED_META),
      () => field(page, 'dateModified'),
    );
  }
  let publishedAt: string | null = null;
  for (const candidate of dateCandidates) {
    const text = candidate();
    if (text !== null) publishedAt = parseDateText(text, receivedAt);
    if (publishedAt !== null) break;
  }

  // Structured fields first; each must name a person (not the outlet, a desk or a handle).
  const citation = metaContent(meta, ['citation_author']);
  const authorCandidates: Array<() => string | null> = [
    () => (article !== null ? jsonLdAuthorNames(resolved(article['author'], jsonLd)) : null),
    () => metaContent(meta, AUTHOR_META),
    () => (citation !== null ? citation.replace(FAMILY_NAME_FIRST, '$2 $1') : null),
    () => (page !== null ? jsonLdAuthorNames(resolved(page['author'], jsonLd)) : null),
  ];
  let author: string | null = null;
  for (const candidate of authorCandidates) {
    author = personNames(candidate());
    if (author !== null) break;
  }
  author ??= bylineElementAuthor(document);

  const languageAttribute =
    document.documentElement?.getAttribute('lang') ??
    metaContent(meta, ['og:locale', 'content-language', 'language']);
  const languageMatch =
    languageAttribute !== null ? /^([a-zA-Z]{2})(?:[-_]|$)/.exec(languageAttribute) : null;

  // Usually in the head: the body is only walked when it is not there.
  const canonicalLink =
    document.head?.querySelector(CANONICAL) ?? document.querySelector(CANONICAL);
  const publisher = article !== null ? article['publisher'] : undefined;
  return {
    title,
    titleCandidates,
    author,
    publishedAt,
    siteName: metaContent(meta, ['og:site_name', 'application-name']) ?? firstString(publisher),
    language: languageMatch !== null ? languageMatch[1].toLowerCase() : null,
    canonicalUrl: canonicalLink?.getAttribute('href') ?? null,
    ogUrl: metaContent(meta, ['og:url']),
  };
}

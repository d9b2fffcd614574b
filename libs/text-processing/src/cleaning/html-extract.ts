import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import {
  BIO_PATTERN,
  BYLINE,
  CAPTION_PATTERNS,
  PROMO_PATTERNS,
  SHORT_LINE_BOILERPLATE,
  matchesAny,
  trimEdges,
  withoutIssuerBoilerplate,
} from './boilerplate-patterns';
import { personNames } from './author';
import { dateOnlyLine, timestampLine } from './dates';
import { DEFAULT_FIELD_PARAMS, type FieldParams } from './field-params';
import { type HtmlMetadata, readMetadata } from './html-metadata';
import { normalizeLine } from './text-normalize';
import {
  BLOCK_FLAGS,
  BLOCK_TAG_CODES,
  type BlockInput,
  type BlockPlace,
  blockModelParagraphs,
  selectBlocks,
  isTitleBlock,
  squashedKey,
} from './html-block-model';
import type { LineModel } from './line-model';

/** The slice of the DOM this module relies on (the project compiles without the DOM lib). */
interface DomNode {
  nodeType: number;
  nodeName: string;
  textContent: string | null;
  childNodes: ArrayLike<DomNode>;
}
interface DomElement extends DomNode {
  getAttribute(name: string): string | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
  querySelector(selector: string): DomElement | null;
  remove(): void;
}
interface DomDocument {
  documentElement: DomElement | null;
  head: DomElement | null;
  body: DomElement | null;
  createElement(name: string): DomElement;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
  querySelector(selector: string): DomElement | null;
}

const TEXT_NODE = 3;
const ELEMENT_NODE = 1;
const BLOCK_TAGS = new Set([
  'P',
  'DIV',
  'SECTION',
  'ARTICLE',
  'MAIN',
  'HEADER',
  'FOOTER',
  'ASIDE',
  'NAV',
  'H1',
  'H2',
  'H3',
  'H4',
  'H5',
  'H6',
  'LI',
  'UL',
  'OL',
  'DL',
  'DT',
  'DD',
  'BLOCKQUOTE',
  'PRE',
  'FIGURE',
  'FIGCAPTION',
  'TABLE',
  'TR',
  'TBODY',
  'THEAD',
  'HR',
  'BR',
  'ADDRESS',
  'FORM',
]);
const SKIPPED_TAGS = new Set([
  'FIGCAPTION',
  'BUTTON',
  'SELECT',
  'OPTION',
  'TEXTAREA',
  'INPUT',
  'LABEL',
]);
/** Class/id hints for furniture Readability tends to leave inside the body. */
const FURNITURE_HINT =
  /(?:^|[\s_-])(?:caption|credit|share|sharing|social|related|newsletter|signup|subscribe|promo|byline|author-?(?:bio|info|card)|bio|tags|breadcrumb|advert|sponsor|read-?more|recirc|outbrain|taboola|toolbar|disclaimer|copyright|comments?)(?:$|[\s_-])/i;
const LINK_BLOCK_SHARE = 0.8;
const LINK_BLOCK_MAX_CHARS = 150;
const LINK_HEADLINE_MIN_WORDS = 4;
const WORD = /\p{L}[\p{L}\p{M}'’-]*/gu;
const ADDRESS_OR_PRICE = /:\/\/|\bwww\.|[$€£¥₹]\s?\d|\d\s?(?:€|£|eur|usd|gbp)\b/i;
const CAMEL_BOUNDARY = /([a-z0-9])([A-Z])/g;
const MAX_ELEMENTS = 60000;
/**
 * Below this Readability retries with looser rules (re-parsing the page each time): its own
 * default. A first pass that strips "unlikely" containers can leave one promo box of a few hundred
 * characters as the best candidate while the article sits in containers it stripped.
 */
const READABILITY_MIN_CHARS = 500;

export type { HtmlMetadata } from './html-metadata';

export interface HtmlExtraction {
  paragraphs: string[];
  metadata: HtmlMetadata;
  /** Lines of the whole page, for template keys and the text-dump fallback. */
  pageLines: () => string[];
  /** Per page line, the share of its characters inside links. */
  pageLinkShares: () => number[];
  /** The block model's input, when asked for (`keepBlockInput`). */
  blockInput?: BlockInput | null;
}

/** Flattens an element into text blocks, one per paragraph-level element. */
export function blocksOf(root: DomNode, skipFurniture: boolean): string[] {
  return textBlocksOf(root, skipFurniture).map((block) => block.text);
}

interface TextBlock {
  text: string;
  /** Share of the block's characters inside links. */
  linkShare: number;
}

const ENTER = 0;
const BLOCK_EXIT = 1;
const LINK_EXIT = 2;
const CONTEXT_EXIT = 3;

const TAG_FLAGS: ReadonlyMap<string, number> = new Map([
  ['ARTICLE', BLOCK_FLAGS.article],
  ['MAIN', BLOCK_FLAGS.article],
  ['HEADER', BLOCK_FLAGS.header],
  ['FOOTER', BLOCK_FLAGS.header],
  ['LI', BLOCK_FLAGS.list],
  ['TD', BLOCK_FLAGS.table],
  ['TH', BLOCK_FLAGS.table],
  ['BLOCKQUOTE', BLOCK_FLAGS.quote],
  ['FIGURE', BLOCK_FLAGS.figure],
  ['FORM', BLOCK_FLAGS.form],
  ['H1', BLOCK_FLAGS.heading],
  ['H2', BLOCK_FLAGS.heading],
  ['H3', BLOCK_FLAGS.heading],
  ['H4', BLOCK_FLAGS.heading],
  ['H5', BLOCK_FLAGS.heading],
  ['H6', BLOCK_FLAGS.heading],
]);
/** Class/id words of the article's own container. */
const BODY_HINT =
  /(?:^|[\s_-])(?:article-?body|articlebody|entry-?content|post-?(?:content|body)|story-?body|body-?text|article-?content|main-?content|prose|rich-?text)(?:$|[\s_-])/i;
const MAX_HINT_CACHE = 4096;

/** Flags a block element's class/id adds; the values are cached per page (many elements share them). */
function hintFlags(element: DomElement, cache: Map<string, number>): number {
  const hint = `${element.getAttribute('class') ?? ''} ${element.getAttribute('id') ?? ''}`;
  if (hint.length <= 1) return 0;
  const cached = cache.get(hint);
  if (cached !== undefined) return cached;
  const split = hint.length > 400 ? hint.slice(0, 400) : hint;
  const dashed = split.replace(CAMEL_BOUNDARY, '$1-$2');
  const flags =
    (FURNITURE_HINT.test(dashed) ? BLOCK_FLAGS.furnitureHint : 0) |
    (BODY_HINT.test(dashed) ? BLOCK_FLAGS.bodyHint : 0);
  if (cache.size < MAX_HINT_CACHE) cache.set(hint, flags);
  return flags;
}

/**
 * The root's text blocks, one per paragraph-level element; with `places`, each block's place in
 * the DOM is pushed there (one entry per returned block).
 */
function textBlocksOf(root: DomNode, skipFurniture: boolean, places?: BlockPlace[]): TextBlock[] {
  const blocks: TextBlock[] = [];
  let current = '';
  let linkChars = 0;
  let linkDepth = 0;
  // The context of the text being read (only kept when `places` is asked for).
  const tags: number[] = [0];
  const flagStack: number[] = [0];
  const containers: number[] = [0];
  let containerCount = 0;
  const hintCache = new Map<string, number>();
  let place: BlockPlace | null = null;
  const flush = (): void => {
    const text = normalizeLine(current);
    if (text.length > 0) {
      blocks.push({ text, linkShare: Math.min(1, linkChars / current.trim().length) });
      if (places !== undefined) {
        places.push(
          place ?? {
            tag: 0,
            flags: 0,
            depth: 0,
            container: 0,
            first: null,
            last: null,
          },
        );
      }
    }
    current = '';
    linkChars = 0;
    place = null;
  };
  // Iterative walk: pages can nest deeper than the call stack allows.
  const stack: Array<{ node: DomNode; step: number }> = [{ node: root, step: ENTER }];
  while (stack.length > 0) {
    const { node, step } = stack.pop() as { node: DomNode; step: number };
    if (step === BLOCK_EXIT) {
      flush();
      if (places !== undefined) {
        tags.pop();
        flagStack.pop();
        containers.pop();
      }
      continue;
    }
    if (step === LINK_EXIT) {
      linkDepth -= 1;
      continue;
    }
    if (step === CONTEXT_EXIT) {
      flagStack.pop();
      continue;
    }
    if (node.nodeType === TEXT_NODE) {
      const text = node.textContent ?? '';
      current += text;
      if (linkDepth > 0) linkChars += text.trim().length;
      if (places !== undefined && text.trim().length > 0) {
        if (place === null) {
          place = {
            tag: tags[tags.length - 1],
            flags: flagStack[flagStack.length - 1],
            depth: tags.length - 1,
            container: containers[containers.length - 1],
            first: node,
            last: node,
          };
        } else {
          place.last = node;
        }
      }
      continue;
    }
    if (node.nodeType !== ELEMENT_NODE && node !== root) continue;
    const name = node.nodeName.toUpperCase();
    if (SKIPPED_TAGS.has(name)) continue;
    if (skipFurniture && node.nodeType === ELEMENT_NODE) {
      const element = node as DomElement;
      const hint = `${element.getAttribute('class') ?? ''} ${element.getAttribute('id') ?? ''}`;
      // camelCase names ("InlineImage-imageEmbedCaption", "newsCaption") split like kebab-case ones.
      if (hint.length > 1 && FURNITURE_HINT.test(hint.replace(CAMEL_BOUNDARY, '$1-$2'))) continue;
    }
    if (BLOCK_TAGS.has(name)) {
      flush();
      stack.push({ node, step: BLOCK_EXIT });
      if (places !== undefined) {
        const inherited = flagStack[flagStack.length - 1];
        const own =
          (TAG_FLAGS.get(name) ?? 0) |
          (node.nodeType === ELEMENT_NODE ? hintFlags(node as DomElement, hintCache) : 0);
        tags.push(BLOCK_TAG_CODES.get(name) ?? 0);
        flagStack.push(inherited | own);
        containerCount += 1;
        containers.push(containerCount);
      }
    } else if (name === 'A') {
      linkDepth += 1;
      stack.push({ node, step: LINK_EXIT });
    } else if (name === 'TD' || name === 'TH') {
      current += ' ';
      if (places !== undefined) {
        stack.push({ node, step: CONTEXT_EXIT });
        flagStack.push(flagStack[flagStack.length - 1] | BLOCK_FLAGS.table);
      }
    }
    const children = node.childNodes;
    for (let index = children.length - 1; index >= 0; index -= 1) {
      stack.push({ node: children[index], step: ENTER });
    }
  }
  flush();
  return blocks;
}

/**
 * A block that is (80%+) link and reads as a headline: a "related stories" entry left inside the
 * article ("More:" lists, teasers between paragraphs). Link blocks that are addresses, prices or
 * a couple of words ("Get it on Amazon for $39", "amzn.to/...", "Berkeley Earth") stay: on
 * shopping and reference pages those are the text.
 */
function isHeadlineLink(block: TextBlock): boolean {
  if (block.linkShare < LINK_BLOCK_SHARE || block.text.length >= LINK_BLOCK_MAX_CHARS) return false;
  if (ADDRESS_OR_PRICE.test(block.text)) return false;
  return (block.text.match(WORD) ?? []).length >= LINK_HEADLINE_MIN_WORDS;
}

function isFurnitureBlock(block: string, title: string | null, receivedAt: string): boolean {
  if (block.length < 100 && matchesAny(SHORT_LINE_BOILERPLATE, block)) return true;
  if (
    block.length < 300 &&
    (matchesAny(CAPTION_PATTERNS, block) || matchesAny(PROMO_PATTERNS, block))
  ) {
    return true;
  }
  if (block.length < 800 && BIO_PATTERN.test(block)) return true;
  if (block.length < 120 && BYLINE.test(block)) return true;
  if (title !== null && block === title) return true;
  return (
    block.length < 80 &&
    (dateOnlyLine(block, receivedAt) !== null || timestampLine(block, receivedAt))
  );
}

const BODY_OPEN = /<body\b[^>]*>/i;
const BODY_CLOSE = /<\/body\s*>/gi;
const DOCTYPE = /<!doctype\b[^>]*>/gi;

/**
 * The source between `<body ...>` and the last `</body>`, or null when the page has no such pair.
 * A `<!DOCTYPE>` inside it (pasted content) is dropped, as the page's parse ignores it: re-parsed
 * through linkedom's `innerHTML` setter it would leave the body holding only a doctype node that
 * `appendChild` cannot move, and Readability's retry (`while (page.firstChild) move it`) would
 * never end.
 */
function bodySource(html: string): string | null {
  const open = BODY_OPEN.exec(html);
  if (open === null) return null;
  BODY_CLOSE.lastIndex = open.index + open[0].length;
  let close = -1;
  let match: RegExpExecArray | null;
  while ((match = BODY_CLOSE.exec(html)) !== null) close = match.index;
  return close === -1 ? null : html.slice(open.index + open[0].length, close).replace(DOCTYPE, '');
}

type InnerHtmlSetter = (this: unknown, html: string) => void;

function innerHtmlSetter(element: object): InnerHtmlSetter | undefined {
  for (let proto = Object.getPrototypeOf(element) as object | null; proto !== null;) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, 'innerHTML');
    if (descriptor !== undefined) {
      const setter: unknown = Reflect.get(descriptor, 'set');
      return typeof setter === 'function' ? (setter as InnerHtmlSetter) : undefined;
    }
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  return undefined;
}

/**
 * Readability serializes the whole body (kept to restore the page if it retries with looser rules)
 * and its article container four times for debug logs that are off; with linkedom each is a walk
 * building a string. Here the body's `innerHTML` reads as its source (setting it back re-parses
 * that source, as before), the containers Readability creates read as empty (nothing reads them
 * but those logs), and link rewriting to absolute URLs, which no text needs, is skipped.
 */
function withoutSerialization(document: DomDocument, reader: object, source: string | null): void {
  const body = document.body;
  const setter = body !== null ? innerHtmlSetter(body) : undefined;
  if (body === null || setter === undefined) return;
  const setInnerHtml = (element: DomElement, html: string): void => {
    Reflect.apply(setter, element, [html]);
  };
  if (source !== null) {
    Object.defineProperty(body, 'innerHTML', {
      configurable: true,
      get: () => source,
      set: (html: string) => setInnerHtml(body, html),
    });
  }
  const createElement = document.createElement.bind(document);
  document.createElement = (name: string): DomElement => {
    const element = createElement(name);
    if (name === 'DIV') {
      Object.defineProperty(element, 'innerHTML', {
        configurable: true,
        get: () => '',
        set: (html: string) => setInnerHtml(element, html),
      });
    }
    return element;
  };
  (reader as { _fixRelativeUris?: () => void })._fixRelativeUris = () => undefined;
  // Without a style attribute an element's display and visibility are empty: Readability's
  // visibility test then needs only its attribute checks, not the CSSStyleDeclaration (a Map
  // behind a Proxy) that reading `style` builds for every element in linkedom.
  const visibility = reader as { _isProbablyVisible?: (node: DomElement) => boolean };
  const isProbablyVisible = visibility._isProbablyVisible?.bind(reader);
  if (isProbablyVisible !== undefined) {
    visibility._isProbablyVisible = (node) =>
      node.getAttribute('style') !== null
        ? isProbablyVisible(node)
        : node.getAttribute('hidden') === null &&
          (node.getAttribute('aria-hidden') !== 'true' ||
            (node.getAttribute('class') ?? '').includes('fallback-image'));
  }
}

/** The text nodes under a root (Readability's container), to find the page's blocks in it. */
function textNodesOf(root: DomNode): Set<unknown> {
  const nodes = new Set<unknown>();
  const stack: DomNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as DomNode;
    if (node.nodeType === TEXT_NODE) {
      nodes.add(node);
      continue;
    }
    const children = node.childNodes;
    for (let index = children.length - 1; index >= 0; index -= 1) stack.push(children[index]);
  }
  return nodes;
}

/**
 * Per page block, how much of it Readability's container holds (its first and last text nodes, a
 * half each). When Readability re-parsed the page (a retry with looser rules) its nodes are not
 * the page's: the container's block texts are matched instead.
 */
function blocksInContent(
  places: readonly BlockPlace[],
  texts: readonly string[],
  content: DomNode | null,
  contentBlocks: readonly TextBlock[],
): Float64Array {
  const inContent = new Float64Array(places.length);
  if (content === null) return inContent;
  const nodes = textNodesOf(content);
  let found = 0;
  for (let index = 0; index < places.length; index += 1) {
    const place = places[index];
    const share =
      (nodes.has(place.first) ? 0.5 : 0) + (place.last !== null && nodes.has(place.last) ? 0.5 : 0);
    inContent[index] = share;
    found += share;
  }
  if (found === 0 && contentBlocks.length > 0) {
    const contentTexts = new Set(contentBlocks.map((block) => block.text));
    for (let index = 0; index < texts.length; index += 1) {
      inContent[index] = contentTexts.has(texts[index]) ? 1 : 0;
    }
  }
  return inContent;
}

export function extractFromHtml(
  html: string,
  jsonLd: readonly string[],
  receivedAt: string,
  options: {
    readability: boolean;
    fieldParams?: Readonly<FieldParams>;
    /** The learned block model (null: Readability's filtered paragraphs alone). */
    blockModel?: LineModel | null;
    /** Keep the block model's input (for training it). */
    keepBlockInput?: boolean;
  } = { readability: true },
): HtmlExtraction {
  const parsedDocument = (parseHTML(html) as unknown as { document: unknown }).document;
  const document = parsedDocument as DomDocument;
  const metadata = readMetadata(
    document,
    jsonLd,
    receivedAt,
    options.fieldParams ?? DEFAULT_FIELD_PARAMS,
  );
  // Readability mutates the document, so the page lines are captured first.
  const blockModel = options.blockModel ?? null;
  // Only where Readability runs: the model reads its container.
  const wantsBlocks =
    options.readability && (blockModel !== null || options.keepBlockInput === true);
  const places: BlockPlace[] = [];
  const pageBlocks =
    document.body !== null
      ? textBlocksOf(document.body, false, wantsBlocks ? places : undefined)
      : [];
  const snapshot = pageBlocks.map((block) => block.text);
  const pageLinkShares = (): number[] => pageBlocks.map((block) => block.linkShare);
  if (!options.readability) {
    return { paragraphs: [], metadata, pageLines: () => snapshot, pageLinkShares };
  }
  const reader = new Readability<DomNode>(parsedDocument, {
    serializer: (node: unknown): DomNode => node as DomNode,
    keepClasses: true,
    maxElemsToParse: MAX_ELEMENTS,
    charThreshold: READABILITY_MIN_CHARS,
  });
  withoutSerialization(document, reader, bodySource(html));
  let content: DomNode | null = null;
  let byline: string | null = null;
  try {
    const result = reader.parse();
    content = result?.content ?? null;
    byline = result?.byline ?? null;
  } catch {
    content = null;
  }
  metadata.author ??= personNames(byline !== null ? normalizeLine(byline) : null);
  const title = metadata.title;
  const contentBlocks = content === null ? [] : textBlocksOf(content, true);
  let paragraphs =
    content === null
      ? []
      : withoutIssuerBoilerplate(
          trimEdges(
            contentBlocks
              .filter((block) => !isHeadlineLink(block))
              .map((block) => block.text)
              .filter((block) => !isFurnitureBlock(block, title, receivedAt)),
          ),
        );
  let blockInput: BlockInput | null = null;
  if (wantsBlocks) {
    const keptTexts = new Set(paragraphs);
    const titleKeys = new Set<string>();
    for (const candidate of [title, ...metadata.titleCandidates.h1s]) {
      if (candidate !== null && candidate.length < 300) titleKeys.add(squashedKey(candidate));
    }
    const inContent = blocksInContent(places, snapshot, content, contentBlocks);
    blockInput = {
      texts: snapshot,
      linkShares: pageBlocks.map((block) => block.linkShare),
      places,
      inContent,
      // Kept by Readability: its paragraphs have the text and its container holds the block (a
      // copy of the article elsewhere on the page is not kept).
      kept: snapshot.map((text, index) => inContent[index] > 0 && keptTexts.has(text)),
      furniture: pageBlocks.map(
        (block) =>
          !keptTexts.has(block.text) &&
          block.text.length < 800 &&
          (isHeadlineLink(block) ||
            isFurnitureBlock(block.text, title, receivedAt) ||
            isTitleBlock(block.text, titleKeys)),
      ),
      titleKeys,
      language: metadata.language,
    };
  }
  if (blockModel !== null && blockInput !== null) {
    paragraphs =
      blockModelParagraphs(selectBlocks(blockModel, blockInput), blockInput) ?? paragraphs;
  }
  return {
    paragraphs,
    metadata,
    pageLines: () => snapshot,
    pageLinkShares,
    blockInput: options.keepBlockInput === true ? blockInput : null,
  };
}

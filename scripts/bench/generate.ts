import { randomUUID } from 'node:crypto';
import { FUNCTION_WORDS } from '../support/function-words';
import { seededRandom } from '../support/seeded-random';

/** One article as `POST /articles/batch` takes it. */
export interface BenchArticle {
  id: string;
  url: string;
  source: string;
  title: string;
  publishedAt: string;
  text?: string;
  html?: string;
}

const VERBS = [
  'said',
  'announced',
  'confirmed',
  'rejected',
  'approved',
  'warned',
  'reported',
  'denied',
  'expected',
  'criticised',
  'delayed',
  'opened',
  'closed',
  'signed',
  'blocked',
];
const SYLLABLES =
  'ba be bi bo bu da de di do du ka ke ki ko ku la le li lo lu ma me mi mo mu na ne ni no nu ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo vu za ze zi zo zu'.split(
    ' ',
  );

/** A vocabulary of pseudo-words, so the document frequencies spread as in a real corpus. */
function vocabulary(size: number, random: () => number): string[] {
  const words = new Set<string>();
  while (words.size < size) {
    const length = 2 + Math.floor(random() * 3);
    let word = '';
    for (let index = 0; index < length; index++)
      word += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
    words.add(word);
  }
  return [...words];
}

const capitalise = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

interface Outlet {
  name: string;
  domain: string;
  header: string[];
  footer: string[];
}

function outlets(random: () => number, words: readonly string[]): Outlet[] {
  const names = [
    'Harbour Herald',
    'Daily Meridian',
    'Northern Post',
    'Capital Wire',
    'Evening Ledger',
    'Coastal Times',
    'Metro Tribune',
    'Valley Chronicle',
    'Global Dispatch',
    'Island Observer',
    'Summit Gazette',
    'River Courier',
  ];
  return names.map((name) => {
    const domain = `${name.toLowerCase().replace(/\s+/g, '')}.example`;
    const section = () => capitalise(words[Math.floor(random() * 200)]);
    return {
      name,
      domain,
      header: [
        name,
        'Home',
        'World',
        'Business',
        `${section()} ${section()}`,
        'Sign in',
        'Subscribe',
        'Search',
      ],
      footer: [
        'Share this article',
        'Facebook',
        'Twitter',
        'Email',
        `Read more from ${name}`,
        `Most read: ${section()} ${words[Math.floor(random() * 500)]} ...`,
        'Newsletter: get the morning briefing in your inbox',
        `© 2025 ${name}. All rights reserved.`,
        'Privacy policy | Terms of use | Contact us',
      ],
    };
  });
}

interface Story {
  place: string;
  people: string[];
  number: string;
  topic: string[];
  date: Date;
}

/**
 * Generates a stream of articles shaped like crawled news: stories told by several outlets in
 * their own words, each page a 3–6 KB dump with the outlet's header and footer lines around the
 * body (or, for `htmlShare` of them, a whole HTML page), and `duplicateShare` re-posts of an
 * earlier body under another outlet's boilerplate.
 */
export class ArticleGenerator {
  private readonly random: () => number;
  private readonly words: string[];
  private readonly outlets: Outlet[];
  private readonly recent: Array<{ title: string; body: string[]; publishedAt: string }> = [];
  private story: Story | null = null;
  private storyLeft = 0;
  private counter = 0;

  constructor(
    seed: number,
    private readonly options: { duplicateShare: number; htmlShare: number; htmlBytes: number } = {
      duplicateShare: 0.1,
      htmlShare: 0.1,
      htmlBytes: 30_000,
    },
  ) {
    this.random = seededRandom(seed);
    this.words = vocabulary(6_000, this.random);
    this.outlets = outlets(this.random, this.words);
  }

  private pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.random() * list.length)];
  }

  /** Zipf-like pick: a few common words, a long tail of rare ones, as in text. */
  private word(): string {
    return this.words[Math.floor(Math.pow(this.words.length, this.random())) - 1];
  }

  private newStory(): Story {
    const name = () => `${capitalise(this.word())} ${capitalise(this.word())}`;
    return {
      place: capitalise(this.word()),
      people: [name(), name()],
      number: String(2 + Math.floor(this.random() * 900)),
      topic: Array.from({ length: 12 }, () => this.word()),
      date: new Date(Date.UTC(2025, 0, 1) + Math.floor(this.random() * 300) * 86_400_000),
    };
  }

  private sentence(story: Story): string {
    const length = 12 + Math.floor(this.random() * 14);
    const parts: string[] = [];
    for (let index = 0; index < length; index++) {
      const roll = this.random();
      if (index % 2 === 1) parts.push(this.pick(FUNCTION_WORDS));
      else if (roll < 0.3) parts.push(this.pick(story.topic));
      else if (roll < 0.38) parts.push(this.pick(VERBS));
      else parts.push(this.word());
    }
    const roll = this.random();
    if (roll < 0.25) parts.splice(2, 0, this.pick(story.people), this.pick(VERBS));
    else if (roll < 0.45) parts.push('in', story.place);
    else if (roll < 0.55) parts.push('with', story.number, this.pick(story.topic));
    return `${capitalise(parts.join(' '))}.`;
  }

  private body(story: Story): string[] {
    const target = 2_400 + Math.floor(this.random() * 2_600);
    const paragraphs: string[] = [];
    let size = 0;
    while (size < target) {
      const count = 2 + Math.floor(this.random() * 3);
      const paragraph = Array.from({ length: count }, () => this.sentence(story)).join(' ');
      paragraphs.push(paragraph);
      size += paragraph.length + 2;
    }
    return paragraphs;
  }

  next(): BenchArticle {
    this.counter++;
    const outlet = this.pick(this.outlets);
    const id = randomUUID();
    const url = `https://www.${outlet.domain}/news/${this.counter}-${id.slice(0, 8)}?utm_source=bench`;
    let title: string;
    let body: string[];
    let publishedAt: string;
    if (this.recent.length > 20 && this.random() < this.options.duplicateShare) {
      // A syndicated copy: the same body under another outlet's boilerplate.
      const original = this.pick(this.recent);
      ({ title, body, publishedAt } = original);
    } else {
      if (this.story === null || this.storyLeft <= 0) {
        this.story = this.newStory();
        this.storyLeft = 2 + Math.floor(this.random() * 4);
      }
      this.storyLeft--;
      const story = this.story;
      title = `${story.place}: ${this.sentence(story).slice(0, 70).replace(/\.$/, '')}`;
      body = this.body(story);
      publishedAt = new Date(
        story.date.getTime() + Math.floor(this.random() * 36) * 3_600_000,
      ).toISOString();
      this.recent.push({ title, body, publishedAt });
      if (this.recent.length > 200) this.recent.shift();
    }
    const byline = `By ${capitalise(this.word())} ${capitalise(this.word())}`;
    const base = { id, url, source: outlet.name, title, publishedAt };
    if (this.random() < this.options.htmlShare)
      return { ...base, html: this.html(outlet, title, byline, body) };
    const lines = [
      ...outlet.header,
      '',
      title,
      byline,
      new Date(publishedAt).toUTCString(),
      '',
      ...body.flatMap((paragraph) => [paragraph, '']),
      ...outlet.footer,
    ];
    return { ...base, text: lines.join('\n') };
  }

  /** A whole page: navigation, the article, related links, comments and scripts, to `htmlBytes`. */
  html(outlet: Outlet, title: string, byline: string, body: readonly string[]): string {
    return htmlPage(outlet, title, byline, body, this.options.htmlBytes, () => this.word());
  }

  /** A page of exactly this shape for the cleaning micro-benchmark. */
  htmlOf(bytes: number): string {
    const story = this.newStory();
    return htmlPage(
      this.pick(this.outlets),
      `${story.place}: ${this.sentence(story).slice(0, 60)}`,
      'By Bench Writer',
      this.body(story),
      bytes,
      () => this.word(),
    );
  }

  /** A text dump of about `bytes` for the cleaning micro-benchmark. */
  dumpOf(bytes: number): string {
    const outlet = this.pick(this.outlets);
    const story = this.newStory();
    const lines = [
      ...outlet.header,
      '',
      `${story.place} ${this.sentence(story)}`,
      'By Bench Writer',
    ];
    let size = lines.join('\n').length + outlet.footer.join('\n').length;
    while (size < bytes) {
      const paragraph = Array.from({ length: 3 }, () => this.sentence(story)).join(' ');
      lines.push('', paragraph);
      size += paragraph.length + 2;
    }
    return [...lines, '', ...outlet.footer].join('\n');
  }
}

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function htmlPage(
  outlet: Outlet,
  title: string,
  byline: string,
  body: readonly string[],
  bytes: number,
  word: () => string,
): string {
  const head = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} | ${outlet.name}</title>
<meta property="og:title" content="${escapeHtml(title)}"><meta property="og:site_name" content="${outlet.name}">
<link rel="canonical" href="https://www.${outlet.domain}/story/${encodeURIComponent(title.slice(0, 20))}">
<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}</script>
<style>body{font-family:serif}.nav a{margin:0 4px}</style></head><body>
<header class="site-header"><nav class="nav">${outlet.header.map((item) => `<a href="/${item.toLowerCase()}">${escapeHtml(item)}</a>`).join('')}</nav></header>
<main><article><h1>${escapeHtml(title)}</h1><p class="byline">${escapeHtml(byline)}</p>
${body.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`).join('\n')}
<div class="share"><a href="#">Facebook</a><a href="#">Twitter</a><a href="#">Email</a></div></article>`;
  const tail = `</main><footer>${outlet.footer.map((line) => `<p>${escapeHtml(line)}</p>`).join('')}</footer></body></html>`;
  const filler: string[] = [];
  let size = head.length + tail.length;
  let index = 0;
  while (size < bytes) {
    // Related links, comment threads and inline scripts: what makes real pages 50–200 KB.
    const block =
      index % 3 === 0
        ? `<aside class="related"><h3>Related</h3><ul>${Array.from({ length: 6 }, () => `<li><a href="/news/${word()}">${capitalise(word())} ${word()} ${word()} ${word()}</a></li>`).join('')}</ul></aside>`
        : index % 3 === 1
          ? `<div class="comment"><span class="user">${word()}${index}</span><p>${Array.from({ length: 18 }, word).join(' ')}</p></div>`
          : `<script>window.__state_${index}=${JSON.stringify({ id: index, tags: Array.from({ length: 8 }, word) })};</script>`;
    filler.push(block);
    size += block.length + 1;
    index++;
  }
  return `${head}\n${filler.join('\n')}\n${tail}`;
}

import { cleanArticle } from './clean-article';
import { rawArticle as raw } from './cleaning.fixtures';
import type { RawArticle } from './cleaning.types';

describe('a doctype pasted inside the body', () => {
  // Too short for Readability's first attempt, so it restores the body from its source and tries
  // again; finding no container better than the body, it moves the body's children into a new one.
  // A doctype inside the body must neither leave a child there that cannot be moved (the loop
  // never ended) nor change what is extracted.
  const page = (inner: string): string =>
    `<!doctype html><html lang="en"><head><title>Seed swap in the square</title></head>` +
    `<body>${inner}</body></html>`;
  const paragraph =
    '<p>Gardeners traded tomato, bean and squash seeds on Saturday morning in the town square.</p>';
  const doctype = '<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.0 Transitional//EN">';

  it.each([
    ['first in the body', `${doctype}${paragraph}`],
    ['first in a block', `<div>${doctype}${paragraph}</div>`],
    ['after a header', `<header>Garden news</header><div>${doctype}${paragraph}</div>`],
    ['between paragraphs', `${paragraph}<div>${doctype}${paragraph}</div>`],
    ['in lower case', `<div><!doctype html>${paragraph}${paragraph}</div>`],
  ])('%s: the page is cleaned as without it', (_name, inner) => {
    const outcome = cleanArticle(raw({ html: page(inner) }));
    const withoutDoctype = cleanArticle(raw({ html: page(inner.replace(/<!doctype[^>]*>/i, '')) }));
    expect(outcome).toEqual(withoutDoctype);
    expect(outcome.kind).toBe('article');
  });
});

/**
 * Generated hostile pages at two sizes: cleaning must cost about linearly in the page's size. CPU
 * time (the fastest of a few runs) rather than wall time, and bounds far above what real pages
 * cost (0.05-0.5 ms per KB), so a busy machine does not fail it: a linear step measures about 4
 * from N to 4N, a quadratic one 16.
 */
describe('hostile pages: cleaning cost grows linearly with size', () => {
  const SMALL = 50_000;
  const MAX_GROWTH = 10;
  /** Below this, timings are mostly noise: the growth is measured from at least this. */
  const FLOOR_MS = 10;
  const MAX_MS_PER_KB = 10;

  const fill = (unit: string, chars: number): string =>
    unit.repeat(Math.max(1, Math.ceil(chars / unit.length)));
  const words = (chars: number): string => fill('harbour council budget vote ', chars);
  const html = (body: string): Partial<RawArticle> => ({
    html: `<html><head><title>Hostile page</title></head><body>${body}</body></html>`,
  });
  const attributes = (count: number): string =>
    Array.from({ length: count }, (_, index) => `data-a${index}="1"`).join(' ');

  const generators: Array<[string, (chars: number) => Partial<RawArticle>]> = [
    // Depth grows with size: a step costing depth x size shows as quadratic.
    [
      'deep nesting',
      (chars) => {
        const depth = Math.round(chars / 250);
        return html(
          `${'<div>'.repeat(depth)}${words(chars - depth * 11)}${'</div>'.repeat(depth)}`,
        );
      },
    ],
    ['nested lists', (chars) => html(fill('<ul><li>item text ', chars / 4) + words(chars))],
    ['nested tables', (chars) => html(fill('<table><tr><td>cell text here<td>', chars / 4))],
    [
      'a huge attribute',
      (chars) => html(`<div data-x="${fill('a', chars)}"><p>${words(600)}</p></div>`),
    ],
    [
      'an attribute flood on the body',
      (chars) => ({
        html: `<html><body ${attributes(chars / 12)}>${fill('<p>Line.</p>', chars / 2)}</body></html>`,
      }),
    ],
    ['one long line', (chars) => html(`<p>${words(chars)}</p>`)],
    ['a long run without spaces', (chars) => html(`<p>${fill('a', chars)}</p>`)],
    [
      'many sibling paragraphs',
      (chars) => html(fill('<p>One short sentence in a paragraph.</p>', chars)),
    ],
    ['many sibling divs', (chars) => html(fill('<div>One short sentence.</div>', chars))],
    [
      'many links',
      (chars) => html(`<div>${fill('<a href="/x">Link text here</a> ', chars)}</div>`),
    ],
    ['many line breaks', (chars) => html(`<div>${fill('line of text<br>', chars)}</div>`)],
    ['unclosed paragraphs', (chars) => html(fill('<p>Unclosed paragraph text', chars))],
    ['unclosed divs', (chars) => html(fill('<div class="a">text ', chars / 4) + words(chars))],
    ['an unclosed comment', (chars) => html(`<p>${words(600)}</p><!--${words(chars)}`)],
    ['many comments', (chars) => html(fill('<!-- c --><p>text of para.</p>', chars))],
    ['many headings', (chars) => html(fill('<div class="comments"><h1>T</h1></div>', chars))],
    ['many doctypes', (chars) => html(fill('<p>Some text in here.</p><!DOCTYPE html>', chars))],
    ['stray angle brackets', (chars) => html(`<p>${fill('a < b and c <d ', chars)}</p>`)],
    ['entities', (chars) => html(`<p>${fill('&amp;&lt;&#x27;&nbsp;word ', chars)}</p>`)],
    [
      'furniture wrappers around the headline',
      (chars) => html(`${fill('<div class="sidebar">', chars / 4)}<h1>Title</h1>${words(chars)}`),
    ],
    ['a dump of one long line', (chars) => ({ text: words(chars) })],
    ['a dump without spaces', (chars) => ({ text: fill('a', chars) })],
    ['a dump of many short lines', (chars) => ({ text: fill('Short line\n', chars) })],
    [
      'a dump of one line repeated',
      (chars) => ({
        text: fill('The harbour council approved the budget on Monday.\n', chars),
      }),
    ],
    ['a dump of blank lines', (chars) => ({ text: `Start of the text.\n${fill('\n', chars)}end` })],
    ['a dump of punctuation', (chars) => ({ text: fill('...!!!???---|||', chars) })],
    ['a dump of dates', (chars) => ({ text: fill('12 March 2025, 14:12 GMT\n', chars) })],
  ];

  const cpuMs = (input: RawArticle): number => {
    let best = Number.POSITIVE_INFINITY;
    for (let run = 0; run < 2; run += 1) {
      const start = process.cpuUsage();
      cleanArticle(input);
      const spent = process.cpuUsage(start);
      best = Math.min(best, (spent.user + spent.system) / 1000);
    }
    return best;
  };

  beforeAll(() => {
    cleanArticle(raw(html(words(5_000))));
  });

  it.each(generators)(
    '%s',
    (_name, generate) => {
      const small = raw(generate(SMALL));
      const large = raw(generate(SMALL * 4));
      const smallMs = cpuMs(small);
      const largeMs = cpuMs(large);
      const largeKb = (large.html ?? large.text ?? '').length / 1000;
      expect(largeMs / Math.max(smallMs, FLOOR_MS)).toBeLessThan(MAX_GROWTH);
      expect(largeMs / largeKb).toBeLessThan(MAX_MS_PER_KB);
    },
    120_000,
  );
});

import { authorCard, authorNearHeadline, withoutOutletNames } from './author';
import { cleanedArticle as article, rawArticle as raw } from './cleaning.fixtures';
import { dateNearHeadline } from './dates';
import { DEFAULT_FIELD_PARAMS } from './field-params';
import { chooseHtmlTitle, slugAgreement, slugWords, titleAgreement } from './title';
import type { TitleCandidates } from './title';
import { PROSE_PARAGRAPHS } from './title.fixtures';

const RECEIVED_AT = '2025-03-12T10:00:00.000Z';
const HINTS = { siteName: 'City Daily', url: 'https://citydaily.example/trams' };
const NO_CANDIDATES: TitleCandidates = {
  jsonLd: null,
  og: null,
  twitter: null,
  document: null,
  h1s: [],
};

describe('chooseHtmlTitle', () => {
  const choose = (candidates: Partial<TitleCandidates>): string | null =>
    chooseHtmlTitle({ ...NO_CANDIDATES, ...candidates }, HINTS, DEFAULT_FIELD_PARAMS);

  it('takes the <h1> that agrees with the metadata title, as printed', () => {
    expect(
      choose({
        og: 'Council to expand tram lines by 12 km | City Daily',
        h1s: ['Council votes to expand the tram lines by 12 kilometres'],
      }),
    ).toBe('Council votes to expand the tram lines by 12 kilometres');
  });

  it('skips an <h1> that is the masthead or a section name', () => {
    expect(
      choose({
        document: 'Council expands tram network | City Daily',
        h1s: ['City Daily', 'Latest news'],
      }),
    ).toBe('Council expands tram network');
  });

  it('prefers a metadata title that carries a cut JSON-LD headline in full', () => {
    expect(
      choose({
        jsonLd: 'Council expands tram network after a decade of debate over the',
        og: 'Council expands tram network after a decade of debate over the cost',
      }),
    ).toBe('Council expands tram network after a decade of debate over the cost');
  });

  it('decodes entities, cuts a "•" outlet part and markdown heading marks', () => {
    expect(choose({ document: 'Trams &amp; buses &bull; City Daily' })).toBe('Trams & buses');
    expect(choose({ h1s: ['## Council expands tram network'] })).toBe(
      'Council expands tram network',
    );
  });

  it('skips an <h1> that is a part of a metadata title beside the headline', () => {
    // The blog's name leads the document title; og:title is the rest.
    expect(
      chooseHtmlTitle(
        {
          ...NO_CANDIDATES,
          og: 'Small adventures with small language models',
          document: 'Tram Notes: Small adventures with small language models',
          h1s: ['Tram Notes', 'Small is the new large'],
        },
        { siteName: null, url: 'https://blog.example/small-adventures' },
        DEFAULT_FIELD_PARAMS,
      ),
    ).toBe('Small adventures with small language models');
    // A person's name trails the title on a personal site.
    expect(
      chooseHtmlTitle(
        { ...NO_CANDIDATES, og: 'A brief intro to git • Ana Ruiz', h1s: ['Ana Ruiz'] },
        {
          siteName: null,
          url: 'https://notes.example/posts/git',
          pageLines: () => new Set(['anaruiz']),
        },
        DEFAULT_FIELD_PARAMS,
      ),
    ).toBe('A brief intro to git');
  });

  it('drops a label glued to the <h1> when the rest is the metadata title', () => {
    expect(
      choose({ og: 'Council expands tram network', h1s: ['Title:Council expands tram network'] }),
    ).toBe('Council expands tram network');
    expect(choose({ h1s: ['Update:Council expands tram network'] })).toBe(
      'Update:Council expands tram network',
    );
  });

  it('takes a lone <h1> that disagrees with the metadata when the slug names it', () => {
    const candidates = {
      ...NO_CANDIDATES,
      og: 'Boost your commute with City Daily',
      h1s: ['New tram lines open in the eastern districts'],
    };
    const at = (url: string): string | null =>
      chooseHtmlTitle(candidates, { siteName: null, url }, DEFAULT_FIELD_PARAMS);
    expect(at('https://citydaily.example/new-tram-lines-eastern-districts/')).toBe(
      'New tram lines open in the eastern districts',
    );
    expect(at('https://citydaily.example/boost-your-commute/')).toBe(
      'Boost your commute with City Daily',
    );
  });

  it('is null without any candidate', () => {
    expect(choose({})).toBeNull();
  });
});

describe('titleAgreement and the slug', () => {
  it('scores shared word stems', () => {
    expect(titleAgreement('Trams and buses', 'trams AND buses')).toBe(1);
    expect(titleAgreement('Certifications guide', 'Certificates guide')).toBe(1);
    expect(titleAgreement('Trams', 'Buses')).toBe(0);
  });

  it('reads the last wordy path segment, not ids or extensions', () => {
    expect(slugWords('https://x.example/2025/09/04/council-expands-tram-network/')).toEqual([
      'council',
      'expands',
      'tram',
      'network',
    ]);
    expect(slugWords('https://x.example/news/council-expands-trams.html?id=3')).toEqual([
      'council',
      'expands',
      'trams',
    ]);
    expect(slugWords('https://x.example/story/4081296')).toEqual([]);
    expect(slugWords('not a url')).toEqual([]);
    expect(slugAgreement('Council expands tram network', slugWords(null))).toBe(0);
  });
});

describe('dateNearHeadline', () => {
  const lines = [
    'Home',
    'March 1, 2025',
    'Council expands tram network',
    'News · Updated Mar 10, 2025 · 5 min read',
    'The city council voted on Tuesday.',
  ];

  it('reads the first date printed under the headline', () => {
    expect(dateNearHeadline(lines, 2, RECEIVED_AT)).toBe('2025-03-10T00:00:00.000Z');
  });

  it('looks above the headline when nothing under it holds a date', () => {
    expect(dateNearHeadline(lines.slice(0, 3), 2, RECEIVED_AT)).toBe('2025-03-01T00:00:00.000Z');
  });

  it('ignores long lines and a missing headline', () => {
    const long = `The vote on March 10, 2025 ${'went on for hours '.repeat(10)}`;
    expect(dateNearHeadline(['Headline here', long], 0, RECEIVED_AT)).toBeNull();
    expect(dateNearHeadline(lines, -1, RECEIVED_AT)).toBeNull();
  });
});

describe('authorNearHeadline', () => {
  it.each([
    [['Council expands tram network', 'By Jane Smith'], 'Jane Smith'],
    [['Council expands tram network', 'September 1st, 2025 By Jane Smith'], 'Jane Smith'],
    [['Council expands tram network', 'News | Written by:Jane Smith'], 'Jane Smith'],
    [['Council expands tram network', 'Jane Smith', 'March 10, 2025'], 'Jane Smith'],
    [['Council expands tram network', 'Written by', 'Jane Smith'], 'Jane Smith'],
    [['Council expands tram network', 'by', 'Jane Smith, Senior Editor, City Daily'], 'Jane Smith'],
    [['Council expands tram network', 'Jane Smith', 'Senior Editor', 'Mar 10, 2025'], 'Jane Smith'],
  ])('finds the byline in %j', (lines, expected) => {
    expect(authorNearHeadline(lines, 0)).toBe(expected);
  });

  it.each([
    [['Council expands tram network', 'The tram was opened in 2010 by Jane Smith, the mayor.']],
    [['Council expands tram network', 'Jane Smith', 'Read the full story']],
    [['Council expands tram network', 'By The Editorial Team']],
  ])('finds no byline in %j', (lines) => {
    expect(authorNearHeadline(lines, 0)).toBeNull();
  });

  it('does not read a section label above the headline as a name beside its date', () => {
    const lines = ['Home', 'Marketing Strategy', 'Council expands tram network', 'March 10, 2025'];
    expect(authorNearHeadline(lines, 2)).toBeNull();
  });
});

describe('authorCard', () => {
  it('reads a labelled name anywhere on the page, never a label alone', () => {
    const lines = ['Council expands tram network', ...PROSE_PARAGRAPHS, 'Article by', 'Jane Smith'];
    expect(authorCard(lines)).toBe('Jane Smith');
    expect(authorCard(['Council expands tram network', 'Written by', 'Our Team'])).toBeNull();
  });
});

describe('withoutOutletNames', () => {
  it('drops the name that is the outlet, keeping a single name', () => {
    expect(withoutOutletNames('Jane Smith, City Daily', ['citydaily'])).toBe('Jane Smith');
    expect(withoutOutletNames('Jane Smith', ['janesmith'])).toBe('Jane Smith');
    expect(withoutOutletNames(null, ['citydaily'])).toBeNull();
  });
});

describe('fields of an HTML page', () => {
  const body = PROSE_PARAGRAPHS.map((text) => `<p>${text}</p>`).join('\n');

  it('reads JSON-LD @graph: an author by @id, the WebPage date', () => {
    const graph = JSON.stringify({
      '@context': 'https://schema.org',
      '@graph': [
        { '@type': 'WebPage', '@id': '#page', datePublished: '2025-03-01T08:00:00Z' },
        { '@type': 'Article', headline: 'Council expands tram network', author: { '@id': '#p' } },
        { '@type': 'Person', '@id': '#p', name: 'Jane Smith' },
      ],
    });
    const html = `<html><head><script type="application/ld+json">${graph}</script></head>
      <body><article><h1>Council expands tram network</h1>${body}</article></body></html>`;
    const result = article(raw({ html }));
    expect(result.author).toBe('Jane Smith');
    expect(result.publishedAt).toBe('2025-03-01T08:00:00.000Z');
  });

  it('reads a byline link, and the date printed by the headline over the meta date', () => {
    const html = `<html><head><title>Council expands trams | City Daily</title>
      <meta property="article:published_time" content="2025-02-01T08:00:00Z"></head>
      <body><article><h1>Council expands tram network</h1>
      <div class="meta"><a href="/author/jane-smith">Jane Smith</a></div>
      <div>Updated March 10, 2025</div>${body}</article></body></html>`;
    const result = article(raw({ html, url: 'https://citydaily.example/trams' }));
    expect(result.title).toBe('Council expands tram network');
    expect(result.author).toBe('Jane Smith');
    expect(result.publishedAt).toBe('2025-03-10T00:00:00.000Z');
  });

  it('reads the byline and date a <br> parts from each other', () => {
    const html = `<html><head><title>Council expands trams | City Daily</title></head>
      <body><article><h1>Council expands tram network</h1>
      <p class="meta">By<br><a href="/producers/jane">Jane Smith</a><br><br>March 10, 2025</p>
      ${body}</article></body></html>`;
    const result = article(raw({ html, url: 'https://citydaily.example/trams' }));
    expect(result.author).toBe('Jane Smith');
    expect(result.publishedAt).toBe('2025-03-10T00:00:00.000Z');
  });

  it('reads the owner of a personal site from the title, not an outlet', () => {
    const page = (title: string): string =>
      `<html><head><title>${title}</title></head><body><article>
      <h1>Go ahead, self-host Postgres</h1>${body}</article></body></html>`;
    const at = (title: string, url: string): string | null =>
      article(raw({ html: page(title), url })).author;
    expect(at('Go ahead, self-host Postgres | Pierce Freeman', 'https://pierce.dev/notes/pg')).toBe(
      'Pierce Freeman',
    );
    expect(at('Go ahead, self-host Postgres | Paycom Blog', 'https://www.paycom.com/blog/pg')).toBe(
      null,
    );
    expect(
      at('Go ahead, self-host Postgres | Pierce Freeman', 'https://hosting.example/blog/pg'),
    ).toBeNull();
  });

  it('reads citation metadata that writes the family name first', () => {
    const html = `<html><head><meta name="citation_author" content="Smith, Jane"></head>
      <body><article><h1>Council expands tram network</h1>${body}</article></body></html>`;
    expect(article(raw({ html })).author).toBe('Jane Smith');
  });
});

describe('fields of a text dump of today’s pages', () => {
  it('finds the headline named by the URL under the menus, its date and byline', () => {
    const dump = [
      'Skip to content',
      'Home',
      'Latest news',
      'Sign up for our newsletter today',
      'Council expands tram network',
      'By Jane Smith',
      'March 10, 2025',
      ...PROSE_PARAGRAPHS,
      'Latest news',
    ].join('\n');
    const result = article(
      raw({ text: dump, url: 'https://citydaily.example/2025/03/10/council-expands-tram-network' }),
    );
    expect(result.title).toBe('Council expands tram network');
    expect(result.author).toBe('Jane Smith');
    expect(result.publishedAt).toBe('2025-03-10T00:00:00.000Z');
  });
});

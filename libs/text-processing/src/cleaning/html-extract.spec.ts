import { cleanArticle } from './clean-article';
import { rawArticle as raw, expectRejected, cleanedArticle as article } from './cleaning.fixtures';

const PROSE = [
  'The city council voted on Tuesday to expand the tram network by twelve kilometres, a plan that has been debated for more than a decade.',
  'Supporters said the new lines would cut commuting times for tens of thousands of residents in the eastern districts, while critics warned about the cost.',
  'The first construction works are expected to start next spring and should be finished before the end of 2028, according to the mayor.',
  'Local businesses along the planned route have asked for compensation during the works, which the council said it would consider in the coming weeks.',
];

describe('HTML limits checked before any DOM is built', () => {
  it('rejects deeply nested HTML', () => {
    const nested = `<html><body>${'<div>'.repeat(50_000)}text${'</div>'.repeat(50_000)}</body></html>`;
    expectRejected(cleanArticle(raw({ html: nested })), 'nested deeper');
  });
});

describe('cleanArticle on HTML', () => {
  const page = (body: string, head = ''): string =>
    `<!doctype html><html lang="en-GB"><head><title>Trams | City Daily</title>${head}</head><body>${body}</body></html>`;

  it('extracts the body and the fields from JSON-LD, OpenGraph and canonical links', () => {
    const head = `
      <link rel="canonical" href="https://City.example.com/trams#comments">
      <meta property="og:site_name" content="City Daily">
      <script type="application/ld+json">{"@type":"NewsArticle","headline":"Council expands tram network",
        "author":{"@type":"Person","name":"Ana Ruiz"},"datePublished":"2025-03-11T08:00:00+01:00"}</script>
      <script>var tracking = "<p>not text</p>";</script>`;
    const body = `<nav><a href="/">Home</a><a href="/world">World</a></nav>
      <article><h1>Council expands tram network</h1>
      <figure><img src="x.jpg"><figcaption>The new tram. Photo: John Doe</figcaption></figure>
      ${PROSE.map((text) => `<p>${text.replace('&', '&amp;')}</p>`).join('\n')}
      <div class="share-tools"><a>Share on Facebook</a><a>Tweet</a></div>
      </article><footer>© 2025 City Daily</footer>`;
    const result = article(
      raw({ html: page(body, head), url: 'https://city.example.com/trams?fbclid=1' }),
    );
    expect(result.text).toBe(PROSE.join('\n\n'));
    expect(result.title).toBe('Council expands tram network');
    expect(result.author).toBe('Ana Ruiz');
    expect(result.publishedAt).toBe('2025-03-11T07:00:00.000Z');
    expect(result.language).toBe('en');
    expect(result.source).toBe('City Daily');
    expect(result.url).toBe('https://city.example.com/trams');
    expect(result.canonicalUrl).toBe('https://city.example.com/trams');
  });
});

describe('Readability on a page whose article sits in an "unlikely" container', () => {
  it('keeps the article rather than the one promo box left after its first pass', () => {
    const promo =
      'Earn your degree in urban planning online. Our programme equips you with the technical skills and the analytical expertise to turn complex transport data into decisions, with flexible classes for working adults and a dedicated advisor from the first day.';
    const html = `<html><head><title>Trams</title></head><body><h1>Trams</h1>
      <div class="banner-row"><div class="col">${PROSE.map((text) => `<p>${text}</p>`).join('')}</div></div>
      <div class="cta"><p>${promo}</p></div></body></html>`;
    const { text } = article(raw({ html }));
    for (const paragraph of PROSE) expect(text).toContain(paragraph);
  });
});

describe('HTML pages without an article', () => {
  it('rejects script-only and error pages', () => {
    expect(cleanArticle(raw({ html: '<html><script>var a = 1;</script></html>' })).kind).toBe(
      'rejected',
    );
    const error = cleanArticle(
      raw({
        html: '<html><head><title>404 Page not found</title></head><body><p>Sorry.</p></body></html>',
      }),
    );
    expectRejected(error, 'error page');
  });
});

describe('Readability without serializing the page', () => {
  // Spanish text in a container Readability's first pass drops as unlikely ("banner"): the retry
  // restores the body from its source, so the article is found on the second pass.
  const SPANISH = [
    'El ayuntamiento aprobó el martes la ampliación de la red de tranvía en doce kilómetros, un plan debatido durante más de una década.',
    'Los defensores del proyecto afirman que las nuevas líneas reducirán el tiempo de viaje de decenas de miles de vecinos de los barrios del este.',
    'Las primeras obras comenzarán la próxima primavera y deberían terminar antes de finales de 2028, según la alcaldesa.',
  ];
  it('finds an article that only a retry with looser rules finds', () => {
    const html = `<html><head><title>Tranvía</title></head><body><div class="banner-wrap">${SPANISH.map((text) => `<p>${text}</p>`).join('')}</div></body></html>`;
    const { extractFromHtml } =
      jest.requireActual<typeof import('./html-extract')>('./html-extract');
    const extraction = extractFromHtml(html, [], '2025-03-12T10:00:00.000Z');
    expect(extraction.paragraphs).toEqual(SPANISH);
    expect(extraction.pageLines()).toEqual(SPANISH);
  });
});

describe('furniture inside the article container', () => {
  const page = (body: string): string =>
    `<html lang="en"><head><title>Trams</title></head><body><article><h1>Council expands tram network</h1>${body}</article></body></html>`;

  it('drops time stamps, adverts, unrendered shortcodes, follow-me promos and camelCase captions', () => {
    const body = `<p>Updated Nov 19, 9:41 AM;Posted Nov 18, 8:19 PM</p>
      ${PROSE.slice(0, 2)
        .map((text) => `<p>${text}</p>`)
        .join('')}
      <p>Advert</p>
      <div class="InlineImage-imageEmbedCaption">Trams at the depot on Monday morning, ready for the new line.</div>
      <p>This slideshow requires JavaScript.</p>
      <p>[button link="https://example.com/submit" type="big"] Send us YOUR review[/button]</p>
      ${PROSE.slice(2)
        .map((text) => `<p>${text}</p>`)
        .join('')}
      <p>Ana Ruiz covers transport. Follow her on Twitter @anaruiz or on Facebook.</p>
      <p>This post may contain affiliate and/or referral links. Please see my disclosure page.</p>`;
    expect(article(raw({ html: page(body) })).text).toBe(PROSE.join('\n\n'));
  });

  it('keeps prose that mentions times and captions in passing', () => {
    const prose = [
      'The first tram will leave the depot at 5:30 a.m. on Monday, the operator said, and the last one at midnight.',
      'Le premier tramway partira à 5 h 30 lundi, a précisé l’exploitant, qui promet un passage toutes les six minutes.',
      'A caption contest for the new tram design drew more than two thousand entries from schoolchildren across the region.',
    ];
    const result = article(raw({ html: page(prose.map((text) => `<p>${text}</p>`).join('')) }));
    expect(result.text).toBe(prose.join('\n\n'));
  });
});

describe('links that read as headlines', () => {
  const page = (body: string): string =>
    `<html><head><title>Tram</title></head><body><article><h1>Tram</h1>${body}</article></body></html>`;
  const ITALIAN = [
    'Il consiglio comunale ha approvato martedì l’ampliamento della rete tranviaria di dodici chilometri, un progetto discusso da oltre dieci anni.',
    'Secondo i sostenitori, le nuove linee ridurranno i tempi di percorrenza per decine di migliaia di residenti dei quartieri orientali.',
    'I primi cantieri dovrebbero aprire la prossima primavera e chiudersi entro la fine del 2028, ha detto la sindaca.',
  ];

  it('drops related-story links between and after paragraphs (Italian, English)', () => {
    const body = `<p>${ITALIAN[0]}</p><p><a href="/a">LEGGI ANCHE IL NUOVO PIANO DEI TRASPORTI PER LA CITTÀ</a></p>
      <p>${ITALIAN[1]}</p>
      <p>DON'T MISS</p><p><a href="/d">Mayor defends the cost of the new tram depot</a> [VIDEO]</p>
      <p>${ITALIAN[2]}</p>
      <h4>More:</h4><ul><li><a href="/b">Council approves new bus lanes on the ring road</a></li>
      <li><a href="/c">Why the old tram network was closed in 1958</a></li></ul>`;
    expect(article(raw({ html: page(body) })).text).toBe(ITALIAN.join('\n\n'));
  });

  it('keeps shop links, addresses and short link labels that are the text', () => {
    const body = `<p>${ITALIAN[0]}</p><p><a href="/x">Get it on Amazon for $39.99</a></p>
      <p><a href="http://amzn.to/2iJFhRj">http://amzn.to/2iJFhRj</a></p><p>${ITALIAN[1]}</p>
      <p><a href="/d">Berkeley Earth</a></p><p>${ITALIAN[2]}</p>`;
    const text = article(raw({ html: page(body) })).text;
    expect(text).toContain('Get it on Amazon for $39.99');
    expect(text).toContain('http://amzn.to/2iJFhRj');
    expect(text).toContain('\n\nBerkeley Earth\n\n');
  });
});

describe("a press release's part about the issuer", () => {
  const page = (blocks: readonly string[]): string =>
    `<html><head><title>Release</title></head><body><article><h1>Release</h1>${blocks.map((text) => `<p>${text}</p>`).join('')}</article></body></html>`;

  it.each([
    [
      'English',
      [
        'About Ascentia',
        'Ascentia is a global provider of hospital communication systems, with solutions used by more than 2,000 clinics to coordinate nurses and alarms across wards.',
        'Ascentia is headquartered in Baar, Switzerland, and employs around 1,300 people in 15 countries.',
      ],
    ],
    [
      'French',
      [
        'À propos de Tramelec',
        'Tramelec est un fournisseur européen de systèmes de signalisation ferroviaire, présent dans douze pays et employant plus de 3 000 personnes dans ses usines.',
      ],
    ],
    [
      'German',
      [
        'Über Stadtwerk Nord',
        'Stadtwerk Nord ist ein kommunaler Anbieter von Strom, Wasser und Nahverkehr für rund 400.000 Menschen in der Region und betreibt das Straßenbahnnetz seit 1952.',
      ],
    ],
  ])('drops it (%s)', (_language, issuer) => {
    expect(article(raw({ html: page([...PROSE, ...issuer]) })).text).toBe(PROSE.join('\n\n'));
  });

  it('keeps a closing paragraph of news that mentions a company in one line', () => {
    const closing = 'Tramelec is a supplier of the signalling system.';
    expect(article(raw({ html: page([...PROSE, closing]) })).text).toBe(
      [...PROSE, closing].join('\n\n'),
    );
  });
});

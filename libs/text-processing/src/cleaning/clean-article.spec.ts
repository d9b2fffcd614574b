import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanArticle } from './clean-article';
import { isTemplateLine, templateLineKey } from './template';
import { rawArticle as raw, expectRejected, cleanedArticle as article } from './cleaning.fixtures';

const SEEDS = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'seeds');

interface SeedExpectation {
  title: string | null;
  author: string | null;
  publishedAt: string | null;
  keep: string[];
  drop: string[];
}

const paragraph = (sentences: string): string => sentences;
const PROSE = [
  paragraph(
    'The city council voted on Tuesday to expand the tram network by twelve kilometres, a plan that has been debated for more than a decade.',
  ),
  paragraph(
    'Supporters said the new lines would cut commuting times for tens of thousands of residents in the eastern districts, while critics warned about the cost.',
  ),
  paragraph(
    'The first construction works are expected to start next spring and should be finished before the end of 2028, according to the mayor.',
  ),
  paragraph(
    'Local businesses along the planned route have asked for compensation during the works, which the council said it would consider in the coming weeks.',
  ),
];

describe('cleanArticle on the seed dumps', () => {
  const expected = JSON.parse(readFileSync(join(SEEDS, 'expected.json'), 'utf8')) as {
    articles: Record<string, SeedExpectation>;
  };
  for (const [file, expectation] of Object.entries(expected.articles)) {
    it(`satisfies expected.json for ${file}`, () => {
      const text = readFileSync(join(SEEDS, file), 'utf8');
      const result = article(raw({ text }));
      for (const passage of expectation.keep) expect(result.text).toContain(passage);
      for (const passage of expectation.drop) expect(result.text).not.toContain(passage);
      expect(result.title).toBe(expectation.title);
      expect(result.author).toBe(expectation.author);
      expect(result.publishedAt).toBe(expectation.publishedAt);
      expect(result.language).toBe('en');
      expect(result.text).not.toMatch(/\n{3,}/);
      expect(result.templateKeys.length).toBeGreaterThan(5);
    });
  }
});

describe('cleanArticle on text', () => {
  it('passes clean text with structured fields through unharmed', () => {
    const text = PROSE.join('\n\n');
    const result = article(
      raw({
        text,
        title: 'Council expands tram network',
        author: 'Ana Ruiz',
        publishedAt: '2025-03-11T08:00:00+01:00',
        source: 'City Daily',
        url: 'https://WWW.Example.com/news/trams?utm_source=x&id=7#top',
      }),
    );
    expect(result.text).toBe(text);
    expect(result.author).toBe('Ana Ruiz');
    expect(result.publishedAt).toBe('2025-03-11T07:00:00.000Z');
    expect(result.source).toBe('City Daily');
    expect(result.url).toBe('https://www.example.com/news/trams?id=7');
  });

  it('takes the day in the URL only when nothing else dates the article', () => {
    const text = PROSE.join('\n\n');
    const url = 'https://www.example.com/news/2025/03/10/council-expands-trams';
    expect(article(raw({ text, url })).publishedAt).toBe('2025-03-10T00:00:00.000Z');
    expect(article(raw({ text, url, publishedAt: '2025-03-11T08:00:00Z' })).publishedAt).toBe(
      '2025-03-11T08:00:00.000Z',
    );
    expect(
      article(raw({ text, url: 'https://www.example.com/2025/03/council-expands-trams' }))
        .publishedAt,
    ).toBeNull();
    expect(
      article(raw({ text, url: 'https://www.example.com/news/trams-article-1.1456300' }))
        .publishedAt,
    ).toBeNull();
  });

  it("keeps the dump's own date line over the URL's day", () => {
    const text = readFileSync(join(SEEDS, 'rt-kenya-star-naryshkin-ratcliffe.txt'), 'utf8');
    const url = 'https://www.example.com/2025/03/01/naryshkin-ratcliffe';
    expect(article(raw({ text, url })).publishedAt).toBe('2025-03-12T04:12:00.000Z');
    const undated = readFileSync(join(SEEDS, 'kyiv-independent-naryshkin-ratcliffe.txt'), 'utf8');
    expect(article(raw({ text: undated, url })).publishedAt).toBe('2025-03-01T00:00:00.000Z');
  });

  it('keeps a short brief', () => {
    const text =
      'Heavy snow closed the A9 motorway near Munich on Sunday morning. Police expect it to reopen in the evening.';
    expect(article(raw({ text })).text).toBe(text);
  });

  it('decodes entities, removes zero-width and control characters, applies NFC', () => {
    const text = `${PROSE[0]} Caf\u0065\u0301 &amp; bar\u200B.\u0007\n\n${PROSE[1]}`;
    const result = article(raw({ text }));
    expect(result.text).toContain('Café & bar.');
    expect(result.text.includes('\u200B') || result.text.includes('\u0007')).toBe(false);
  });

  it('drops menus, captions, promos, author bios and teaser lists around the body', () => {
    const dump = [
      'Home',
      'World',
      'Business',
      'Sport',
      'Council expands tram network',
      '3 min read',
      'The new tram at the depot. (Getty Images)',
      ...PROSE,
      'Sign up for our daily newsletter and get the news delivered to your inbox.',
      'Jane Smith',
      'Jane Smith is a senior reporter at City Daily covering transport and housing.',
      'Read more',
      'Mayor opens new bridge over the river, residents celebrate the long...',
      'Police arrest two men after a break-in at the central station, officials...',
      '© 2025 City Daily. All rights reserved.',
    ].join('\n');
    const result = article(raw({ text: dump }));
    expect(result.text).toBe(PROSE.join('\n\n'));
    expect(result.author).toBe('Jane Smith');
    expect(result.title).toBe('Council expands tram network');
  });

  it('handles French and German dumps and detects the language', () => {
    const french = [
      'Accueil',
      'Politique',
      "Le conseil municipal a voté mardi l'extension du réseau de tramway, un projet qui était discuté depuis plus de dix ans.",
      'Les partisans estiment que les nouvelles lignes réduiront le temps de trajet pour des dizaines de milliers d’habitants.',
      'Les travaux doivent commencer au printemps prochain et se terminer avant la fin de 2028, selon le maire de la ville.',
      'Lire aussi',
      'Partager sur Facebook',
    ].join('\n');
    const result = article(raw({ text: french }));
    expect(result.language).toBe('fr');
    expect(result.text).not.toContain('Lire aussi');
    expect(result.text.split('\n\n')).toHaveLength(3);

    const german =
      'Der Stadtrat hat am Dienstag die Erweiterung des Straßenbahnnetzes beschlossen, über die seit mehr als zehn Jahren gestritten wurde.\n\nDie Bauarbeiten sollen im nächsten Frühjahr beginnen und bis Ende 2028 abgeschlossen sein, sagte der Bürgermeister.';
    expect(article(raw({ text: german })).language).toBe('de');
  });

  it('keeps a long feature with subheadings and a live blog with timestamps', () => {
    const feature = [
      ...PROSE,
      'What comes next',
      ...PROSE.map((text) => text.replace('council', 'committee')),
    ].join('\n\n');
    const result = article(raw({ text: feature }));
    expect(result.text).toContain('What comes next');
    expect(result.text.split('\n\n')).toHaveLength(9);

    const liveBlog = PROSE.map((text, index) => `${10 + index}:15 GMT\n\n${text}`).join('\n\n');
    const live = article(raw({ text: liveBlog }));
    for (const text of PROSE) expect(live.text).toContain(text);
  });

  it('drops lines the source template knows as boilerplate', () => {
    const promo = 'Tram fans club meets every Thursday';
    const text = [...PROSE.slice(0, 2), promo, ...PROSE.slice(2)].join('\n');
    const template = { boilerplateKeys: new Set([templateLineKey(promo)]) };
    const outcome = cleanArticle(raw({ text }), template);
    expect(outcome.kind).toBe('article');
    if (outcome.kind === 'article') {
      expect(outcome.article.text).not.toContain(promo);
      expect(outcome.article.templateKeys).toContain(templateLineKey(promo));
    }
  });
});

describe('rejections and limits', () => {
  it('rejects empty, script-only, navigation-only and error pages', () => {
    expect(cleanArticle(raw({ text: '   ' })).kind).toBe('rejected');
    const nav = cleanArticle(raw({ text: 'Home\nWorld\nSport\nBusiness\nContact us' }));
    expectRejected(nav, 'no article');
  });

  it('rejects binary bodies and deeply nested or oversized HTML within bounded time', () => {
    const binary = Buffer.from(
      Array.from({ length: 4096 }, (_, index) => (index * 7919) % 256),
    ).toString('utf8');
    expect(cleanArticle(raw({ text: binary })).kind).toBe('rejected');

    const started = Date.now();
    const nested = `<html><body>${'<div>'.repeat(50_000)}text${'</div>'.repeat(50_000)}</body></html>`;
    expectRejected(cleanArticle(raw({ html: nested })), 'nested deeper');
    const huge = `<html><body>${'<p>filler text here</p>'.repeat(600_000)}</body></html>`;
    expectRejected(cleanArticle(raw({ html: huge })), 'larger than');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('template policy', () => {
  it('gives stable keys that ignore case, digits and punctuation', () => {
    expect(templateLineKey('Updated 3 min ago')).toBe(templateLineKey('updated 12 MIN ago!'));
    expect(templateLineKey('Home')).not.toBe(templateLineKey('World'));
    expect(templateLineKey('...')).toBe('');
  });

  it('needs enough pages and a recent share', () => {
    expect(isTemplateLine({ pagesWithLine: 2, recentPagesWithLine: 2, recentPages: 2 })).toBe(
      false,
    );
    expect(isTemplateLine({ pagesWithLine: 40, recentPagesWithLine: 30, recentPages: 50 })).toBe(
      true,
    );
    expect(isTemplateLine({ pagesWithLine: 40, recentPagesWithLine: 1, recentPages: 50 })).toBe(
      false,
    );
  });
});

describe("a press release's part about the issuer in a text dump", () => {
  const SPANISH = [
    'El ayuntamiento aprobó el martes la ampliación de la red de tranvía en doce kilómetros, un plan que se ha debatido durante más de una década.',
    'Los defensores del proyecto afirman que las nuevas líneas reducirán el tiempo de viaje de decenas de miles de vecinos de los barrios del este.',
    'Las primeras obras comenzarán la próxima primavera y deberían terminar antes de finales de 2028, según ha explicado la alcaldesa en una rueda de prensa.',
    'Los comercios situados a lo largo del trazado han pedido compensaciones durante las obras, algo que el ayuntamiento dice que estudiará en las próximas semanas.',
  ];

  it('is dropped with its heading (Spanish)', () => {
    const text = [
      'Inicio | Noticias | Contacto',
      '',
      ...SPANISH.flatMap((line) => [line, '']),
      'Acerca de Tranvías del Sur',
      '',
      'Tranvías del Sur es una empresa pública de transporte que opera la red de tranvía y autobuses de la región desde 1952 y da empleo a más de 3.000 personas.',
      '',
      'Tranvías del Sur tiene su sede en Sevilla y atiende a más de 40 millones de viajeros al año en once municipios de la provincia.',
    ].join('\n');
    expect(article(raw({ text })).text).toBe(SPANISH.join('\n\n'));
  });
});

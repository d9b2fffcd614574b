import { isFurnitureHint, stripNonContent } from './html-prepare';

const paragraphs = (texts: readonly string[]): string =>
  texts.map((text) => `<p>${text}</p>`).join('\n');

const FRENCH = [
  'Le conseil municipal a voté mardi l’extension du réseau de tramway de douze kilomètres.',
  'Les partisans du projet estiment que les nouvelles lignes réduiront les temps de trajet.',
  'Les premiers travaux devraient commencer au printemps prochain, selon la maire.',
];
const GERMAN = [
  'Der Stadtrat hat am Dienstag beschlossen, das Straßenbahnnetz um zwölf Kilometer zu erweitern.',
  'Befürworter sagen, die neuen Linien würden die Pendelzeiten deutlich verkürzen.',
  'Die ersten Bauarbeiten sollen im kommenden Frühjahr beginnen.',
  'Anwohner entlang der geplanten Strecke fordern eine Entschädigung während der Bauzeit.',
  'Die Kosten werden auf rund 400 Millionen Euro geschätzt.',
];
const SPANISH_COMMENTS = [
  'Muy buen artículo, gracias por la información.',
  'No estoy de acuerdo con el alcalde, el proyecto es demasiado caro.',
];

describe('isFurnitureHint (class/id values of a container)', () => {
  it.each([
    'comments-area',
    'comment-list',
    'relatedArticles',
    'related-posts',
    'post-share',
    'article__comments',
    'social-share-bar',
    'newsletter-signup',
    'left-sidebar',
    'ad-slot top',
    'taboola-below-article',
  ])('"%s" names furniture', (value) => {
    expect(isFurnitureHint(value)).toBe(true);
  });

  it.each([
    'article-body',
    'entry-content share-enabled',
    'comment-body',
    'content-with-sidebar-wrp',
    'has-comments',
    'no-sidebar',
    'shareholder-news',
    'headline',
    'story',
    '',
  ])('"%s" does not', (value) => {
    expect(isFurnitureHint(value)).toBe(false);
  });
});

describe('stripNonContent', () => {
  it('cuts comment threads and related rails by class or id, keeping the article (French page)', () => {
    const html = `<html lang="fr"><head><title>Tramway</title></head><body>
      <div class="page"><article><h1>Le tramway s’agrandit</h1>${paragraphs(FRENCH)}</article>
      <div id="comments" class="comments-area"><h2>3 commentaires</h2>
        <div class="comment"><div class="comment-body"><p>${SPANISH_COMMENTS[0]}</p></div></div>
        <div class="comment"><div class="comment-body"><p>${SPANISH_COMMENTS[1]}</p></div></div>
      </div>
      <section class="related-articles"><ul><li><a href="/a">Autre article</a></li></ul></section>
      <p>Fin de la page.</p></div></body></html>`;
    const prepared = stripNonContent(html).html;
    for (const text of FRENCH) expect(prepared).toContain(text);
    expect(prepared).toContain('Fin de la page.');
    expect(prepared).not.toContain('commentaires');
    expect(prepared).not.toContain(SPANISH_COMMENTS[0]);
    expect(prepared).not.toContain('Autre article');
  });

  it('never cuts a container holding the h1 or most of the paragraphs (German page)', () => {
    const withHeading = `<body><div class="story-sidebar-layout"><h1>Straßenbahn</h1>${paragraphs(GERMAN.slice(0, 2))}</div></body>`;
    expect(stripNonContent(withHeading).html).toContain(GERMAN[0]);
    const withParagraphs = `<body><h1>Straßenbahn</h1><div class="sidebar-layout">${paragraphs(GERMAN)}</div>
      <div class="share"><p>Teilen</p></div></body>`;
    const prepared = stripNonContent(withParagraphs).html;
    for (const text of GERMAN) expect(prepared).toContain(text);
    expect(prepared).not.toContain('Teilen');
  });

  it('never cuts a container holding most of the paragraph text, however many short ones the page has', () => {
    const labels = Array.from({ length: 12 }, (_, index) => `<p>Teil ${index}</p>`).join('');
    const html = `<body><section class="newsletter-hero"><article>${paragraphs(GERMAN)}</article></section>
      <div class="newsletter-box"><p>Jetzt abonnieren</p></div>${labels}</body>`;
    const prepared = stripNonContent(html).html;
    for (const text of GERMAN) expect(prepared).toContain(text);
    expect(prepared).not.toContain('Jetzt abonnieren');
  });

  it('counts nested containers of the same tag and leaves an unclosed one in place', () => {
    const nested = `<body><div class="social"><div><div>Share</div></div><div>Tweet</div></div><p>${FRENCH[0]}</p></body>`;
    const prepared = stripNonContent(nested).html;
    expect(prepared).not.toContain('Tweet');
    expect(prepared).toContain(FRENCH[0]);
    const unclosed = `<body><div class="newsletter"><p>${FRENCH[1]}</p></body>`;
    expect(stripNonContent(unclosed).html).toContain(FRENCH[1]);
  });

  it('reduces the head to title, meta and canonical link, and keeps JSON-LD aside', () => {
    const html = `<!DOCTYPE html><HTML><HEAD><TITLE>Trams | City</TITLE>
      <META property="og:site_name" content="City Daily">
      <link rel="stylesheet" href="/site.css"><link rel="preload" href="/font.woff2">
      <link rel="canonical" href="https://city.example.com/trams">
      <SCRIPT type="application/ld+json">{"@type":"NewsArticle"}</SCRIPT>
      <script>var html = "<p>not text</p>";</script><style>p{color:red}</style></HEAD>
      <BODY><P>${GERMAN[0]}</P><SCRIPT>var x = 1;</SCRIPT></BODY></HTML>`;
    const prepared = stripNonContent(html);
    expect(prepared.jsonLd).toEqual(['{"@type":"NewsArticle"}']);
    expect(prepared.html).toContain('<TITLE>Trams | City</TITLE>');
    expect(prepared.html).toContain('og:site_name');
    expect(prepared.html).toContain('rel="canonical"');
    expect(prepared.html).not.toContain('stylesheet');
    expect(prepared.html).not.toContain('not text');
    expect(prepared.html).not.toContain('var x');
    expect(prepared.html).toContain(GERMAN[0]);
  });

  it('leaves custom elements named like furniture tags ("<nav-menu>", "<select-panel>") alone', () => {
    const html = `<body><nav-menu><a href="/">Startseite</a></nav-menu>
      <article><h1>Straßenbahn</h1>${paragraphs(GERMAN)}</article>
      <select-panel><p>${FRENCH[0]}</p></select-panel><nav><a href="/b">Menü</a></nav></body>`;
    const prepared = stripNonContent(html).html;
    for (const text of GERMAN) expect(prepared).toContain(text);
    expect(prepared).toContain(FRENCH[0]);
    expect(prepared).not.toContain('Menü');
  });

  it('drops form controls but keeps text around them', () => {
    const html = `<body><p>${FRENCH[2]}</p><select><option>Paris</option><option>Lyon</option></select>
      <button>S’abonner</button><textarea>Votre commentaire</textarea></body>`;
    const prepared = stripNonContent(html).html;
    expect(prepared).toContain(FRENCH[2]);
    expect(prepared).not.toMatch(/Lyon|S’abonner|Votre commentaire/);
  });
});

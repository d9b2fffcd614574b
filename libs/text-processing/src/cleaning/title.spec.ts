import { PROSE_PARAGRAPHS } from './title.fixtures';
import { cleanedArticle as article, rawArticle as raw } from './cleaning.fixtures';
import { decodeTitleEntities, isStampLine, splitOutletFromTitle } from './title';

const RECEIVED_AT = '2025-03-12T10:00:00.000Z';

describe('splitOutletFromTitle', () => {
  it.each([
    [
      'Nadal keeps Spain alive - Sportsnet.ca',
      'https://www.sportsnet.ca/tennis/x',
      'Nadal keeps Spain alive',
    ],
    [
      'Taylor Swift can play at the AMAs - BBC News',
      'https://www.bbc.co.uk/news/x',
      'Taylor Swift can play at the AMAs',
    ],
    [
      'Proteste in Athen gehen weiter | tagesschau.de',
      'https://www.tagesschau.de/x',
      'Proteste in Athen gehen weiter',
    ],
    [
      'La réforme des retraites adoptée – Le Monde',
      'https://www.lemonde.fr/x',
      'La réforme des retraites adoptée',
    ],
    [
      'Tres muertos en las protestas de Bolivia — RT World News',
      'https://www.rt.com/news/x',
      'Tres muertos en las protestas de Bolivia',
    ],
  ])('cuts the outlet named by the domain from %s', (title, url, headline) => {
    expect(splitOutletFromTitle(title, { siteName: null, url }).headline).toBe(headline);
  });

  it('cuts the outlet named by og:site_name', () => {
    const split = splitOutletFromTitle('Meal prep for beginners | The Beachbody Blog', {
      siteName: 'The Beachbody Blog',
      url: 'https://example.org/x',
    });
    expect(split).toEqual({ headline: 'Meal prep for beginners', outlet: 'The Beachbody Blog' });
  });

  it('keeps headlines that use a spaced hyphen or dash themselves', () => {
    const hints = { siteName: null, url: 'https://articles.latimes.com/2013/may/03/x' };
    for (const title of [
      'Lindsay Lohan checks into rehab to begin 90 - day stint, lawyer says',
      "Lindsay Lohan Checks Into Betty Ford Rehab – Where She 'Knows Everyone'",
      'Woman Killed In Queens Hit - And - Run, Driver Charged',
      'Sturm über Norddeutschland – Bahn stellt Fernverkehr ein',
      'Grève à la SNCF - le trafic reste perturbé mardi',
    ]) {
      expect(splitOutletFromTitle(title, hints)).toEqual({ headline: title, outlet: null });
    }
  });

  it('does not read a headline that starts with the outlet name as the outlet', () => {
    const title = 'The Guardian view on Hong Kong: a city on the brink | Editorial';
    const split = splitOutletFromTitle(title, {
      siteName: null,
      url: 'https://www.theguardian.com/commentisfree/x',
    });
    expect(split.headline).toBe(title);
  });

  it('cuts a suffix printed on its own elsewhere on the page (the masthead)', () => {
    const split = splitOutletFromTitle('Bike & Style book review | MoreBikes', {
      siteName: null,
      url: null,
      pageLines: () => new Set(['morebikes']),
    });
    expect(split.headline).toBe('Bike & Style book review');
  });
});

describe('isStampLine', () => {
  it.each([
    'May 03, 2013',
    'Updated 5:40 p.m. ET',
    'Posted on Thu Jun 13, 2013 08:45 AM PDT',
    '05 / 02 / 2013',
    'Updated 5: 40 p. m. ET',
    'Mis à jour le 12/03/2025 à 14h12',
    'Aktualisiert am 12. März 2025, 14:12 Uhr',
    'Publicado el 12 de marzo de 2025',
  ])('reads %s as a stamp', (line) => {
    expect(isStampLine(line, RECEIVED_AT)).toBe(true);
  });

  it.each([
    'Lindsay Lohan checks into Betty Ford Center',
    'Colts beat Chiefs 20 - 13 to clinch playoff berth',
    'Magnitude 6.1 quake hits Aceh on July 2',
  ])('reads %s as a headline', (line) => {
    expect(isStampLine(line, RECEIVED_AT)).toBe(false);
  });
});

describe('decodeTitleEntities', () => {
  it('unescapes headlines that structured data left HTML-escaped', () => {
    expect(decodeTitleEntities('&#8216;The Medium&#8217; &amp; &#x2013; more')).toBe(
      '‘The Medium’ & – more',
    );
  });
});

describe('cleanArticle titles', () => {
  const body = PROSE_PARAGRAPHS.join('\n\n');

  it('takes the headline, not the date line under it', () => {
    for (const stamp of [
      'May 03, 2013',
      'Updated 5:40 p.m. ET',
      'Publié le 12 mars 2025 à 14h12',
    ]) {
      const text = `Council expands the tram network\n\n${stamp}\n\n${body}`;
      expect(article(raw({ text })).title).toBe('Council expands the tram network');
    }
  });

  it('keeps a headline with a spaced hyphen whole', () => {
    const text = `Woman killed in hit - and - run, driver charged\n\nMay 3, 2013\n\n${body}`;
    expect(article(raw({ text, url: 'https://www.nydailynews.com/x' })).title).toBe(
      'Woman killed in hit - and - run, driver charged',
    );
  });

  it('cuts the outlet from a dump opening with "Headline - Outlet"', () => {
    const text = `Council expands the tram network - Example Times\n\nHome\nNews\n\nCouncil expands the tram network\n\n${body}`;
    expect(article(raw({ text, url: 'https://www.exampletimes.com/x' })).title).toBe(
      'Council expands the tram network',
    );
  });

  it('takes the opening headline of an otherwise clean text out of its body', () => {
    const result = article(raw({ text: `Council expands the tram network\n\n${body}` }));
    expect(result.title).toBe('Council expands the tram network');
    expect(result.text.startsWith(PROSE_PARAGRAPHS[0])).toBe(true);
  });

  it('gives no title to a text that starts with its body', () => {
    expect(article(raw({ text: body })).title).toBeNull();
  });
});

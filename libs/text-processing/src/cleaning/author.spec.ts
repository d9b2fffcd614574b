import { personNames } from './author';
import { rawArticle as raw, cleanedArticle as article } from './cleaning.fixtures';

const PROSE = [
  'The city council voted on Tuesday to expand the tram network by twelve kilometres, a plan that has been debated for more than a decade.',
  'Supporters said the new lines would cut commuting times for tens of thousands of residents in the eastern districts, while critics warned about the cost.',
  'The first construction works are expected to start next spring and should be finished before the end of 2028, according to the mayor.',
  'Local businesses along the planned route have asked for compensation during the works, which the council said it would consider in the coming weeks.',
];

describe('personNames', () => {
  it.each([
    ['Jane Doe', 'Jane Doe'],
    ['By Jane Doe', 'Jane Doe'],
    ['By TOM KRISHER, AP Auto Writer', 'Tom Krisher'],
    ['Jonathan Garber FOXBusiness', 'Jonathan Garber'],
    ['Victor Tangermann, Futurism', 'Victor Tangermann'],
    ['Finian Cunningham. Sputnik International', 'Finian Cunningham'],
    ['Sarah E. Needleman', 'Sarah E. Needleman'],
    ['Lisa Kaczke and Trevor J. Mitchell', 'Lisa Kaczke, Trevor J. Mitchell'],
    ['Mike Wuerthele, Malcolm Owen Monday, November 18, 2019', 'Mike Wuerthele, Malcolm Owen'],
    ['Ursula von der Leyen', 'Ursula von der Leyen'],
    ['Bryan DeArdo', 'Bryan DeArdo'],
    ['Joseph Tsidulko November 18, 2019', 'Joseph Tsidulko'],
    ['Текст: Венера Ерофеева', 'Венера Ерофеева'],
  ])('keeps the person in %j', (byline, expected) => {
    expect(personNames(byline)).toBe(expected);
  });

  it.each([
    'Reuters',
    'CBS News',
    'Associated Press',
    'News Nation Bureau',
    'TheHill',
    'admin',
    'Editorial Director',
    'The Russian and Syrian defense ministries',
    'Republicans Are Following Trump to Nowhere',
    'https://www.example.com/authors/jane',
  ])('finds no person in %j', (byline) => {
    expect(personNames(byline)).toBeNull();
  });
});

describe('author of an HTML page', () => {
  const page = (head: string, body: string): string =>
    `<html lang="en"><head><title>Trams</title>${head}</head><body><article>${body}${PROSE.map((text) => `<p>${text}</p>`).join('')}</article></body></html>`;

  it('prefers the JSON-LD person over a byline in the text', () => {
    const head =
      '<script type="application/ld+json">{"@type":"NewsArticle","author":{"@type":"Person","name":"Ana Ruiz"}}</script>';
    expect(article(raw({ html: page(head, '<p class="byline">By Someone Else</p>') })).author).toBe(
      'Ana Ruiz',
    );
  });

  it('skips an organisation as author and falls back to the meta author, cleaned', () => {
    const head = `<script type="application/ld+json">{"@type":"NewsArticle","author":{"@type":"Organization","name":"Reuters"}}</script>
      <meta name="author" content="Jonathan Garber FOXBusiness">`;
    expect(article(raw({ html: page(head, '') })).author).toBe('Jonathan Garber');
  });

  it('leaves the author empty when every source names an outlet', () => {
    expect(article(raw({ html: page('<meta name="author" content="CBS News">', '') })).author).toBe(
      null,
    );
  });
});

describe('author of a text dump', () => {
  const body = PROSE.join('\n');

  it('reads an explicit byline and drops the outlet', () => {
    const text = `Trams | City Daily\nHome\nWorld\nCouncil expands tram network\nBy Ana Ruiz, City Daily\n${body}`;
    expect(article(raw({ text })).author).toBe('Ana Ruiz');
  });

  it('takes a name over a role line right above the body', () => {
    const text = `Trams | City Daily\nHome\nWorld\nCouncil expands tram network\nAna Ruiz\nSenior Reporter\n${body}`;
    expect(article(raw({ text })).author).toBe('Ana Ruiz');
  });

  it('takes a labelled author card after the body', () => {
    const text = `Trams | City Daily\nHome\nCouncil expands tram network\n${body}\nAbout the author\nAna Ruiz\nSenior editor at City Daily.`;
    expect(article(raw({ text })).author).toBe('Ana Ruiz');
  });

  it('does not take a staff card with a role line far from the body', () => {
    const text = `Trams | City Daily\nHome\nCouncil expands tram network\n${body}\nMore from City Daily\nTeaser headline about something else entirely\nOur team\nMaria Lopez\nEditor\nContact\nPrivacy Policy`;
    expect(article(raw({ text })).author).toBeNull();
  });
});

import { dateFromUrl } from './url-date';

const RECEIVED = '2025-03-20T00:00:00.000Z';
const day = (date: string): string => `${date}T00:00:00.000Z`;

describe('dateFromUrl', () => {
  it.each([
    [
      'https://www.nytimes.com/2019/11/19/opinion/republicans-elections-impeachment.html',
      '2019-11-19',
    ],
    [
      'http://sportsillustrated.cnn.com/football/nfl/gameflash/2012/12/23/5123/index.html',
      '2012-12-23',
    ],
    [
      'https://www.sbnation.com/college-basketball/2013/3/8/4081296/mvc-tournament-results',
      '2013-03-08',
    ],
    [
      'https://www.theguardian.com/commentisfree/2019/nov/18/the-guardian-view-on-hong-kong',
      '2019-11-18',
    ],
    [
      'http://www.utsandiego.com/news/2009/Feb/04/1s4chargers222254-williams-dui-arrest/',
      '2009-02-04',
    ],
    ['http://www.ens-newswire.com/ens/apr2009/2009-04-28-091.asp', '2009-04-28'],
    [
      'https://www.latimes.com/entertainment-arts/business/story/2019-11-19/disney-plus-kevin-mayer',
      '2019-11-19',
    ],
    ['http://articles.philly.com/2005-05-24/news/25441279_1_sixers-samuel-dalembert', '2005-05-24'],
    [
      'http://usatoday30.usatoday.com/sports/football/nfl/chargers/2009-02-03-williams-arrested_N.htm',
      '2009-02-03',
    ],
    ['https://www.cbsnews.com/news/impeachment-hearings-key-moments-2019-11-19/', '2019-11-19'],
    [
      'http://www.timesledger.com/stories/2013/38/srichhillhitrun_web_2013_09_14_q.html',
      '2013-09-14',
    ],
    ['http://www.omaha.com/article/20130425/BLUEJAYS/704259841', '2013-04-25'],
    ['https://news.example.com/20130503-council-votes-tram-extension', '2013-05-03'],
    [
      'https://www.lefigaro.fr/flash-eco/la-bourse-de-paris-termine-en-baisse-20191119',
      '2019-11-19',
    ],
    ['https://ria.ru/20191119/1561151175.html', '2019-11-19'],
    ['http://www.cnn.com/2009/POLITICS/03/03/endangered.species.act/', '2009-03-03'],
    ['http://news.mongabay.com/2009/0428-hance_esa.html', '2009-04-28'],
    ['http://www.amd.com/us/press-releases/Pages/amd-confidential-2012feb29.aspx', '2012-02-29'],
    [
      'https://www.lemonde.fr/international/article/2019/11/19/la-bolivie_6019693_3210.html',
      '2019-11-19',
    ],
    ['https://elpais.com/internacional/2019/11/19/actualidad/1574180836_512795.html', '2019-11-19'],
    ['https://www.repubblica.it/esteri/2019/11/19/news/hong_kong-241453322/', '2019-11-19'],
    ['https://www.nrc.nl/nieuws/2019/11/19/kabinet-stikstof-a3980964', '2019-11-19'],
    ['https://www.abc.net.au/news/2019-11-19/bushfire-emergency-nsw/11715298', '2019-11-19'],
    ['https://www.lokalzeitung.de/region/28.04.2009/feuerwehr-einsatz', '2009-04-28'],
    ['https://www.example.com/news/04-28-2009-fire-downtown', '2009-04-28'],
    ['https://www.example.com/sports/may-3-2013-match-report', '2013-05-03'],
    ['https://www.example.co.uk/sport/3-may-2013-match-report', '2013-05-03'],
    ['https://www.example.com/news/november-19th-2019-briefing', '2019-11-19'],
    ['https://example.com/article.php?id=55&date=2013-05-03', '2013-05-03'],
    [
      'http://www.datacenterknowledge.com/archives/2012/02/29/amd-to-acquire-seamicro/',
      '2012-02-29',
    ],
    ['https://example.com/view?pubdate=20130503&id=7', '2013-05-03'],
    [
      'https://www.reuters.com/article/2011/11/10/us-southsudan-bombing-idUSTRE7A94OI20111110',
      '2011-11-10',
    ],
  ])('%s → %s', (url, expected) => {
    expect(dateFromUrl(url, RECEIVED)).toBe(day(expected));
  });

  it.each([
    // article ids that are numbers
    'http://www.nydailynews.com/new-york/queens/hit-and-run-driver-kills-queens-granny-article-1.1456300',
    'http://en.trend.az/regions/casia/turkmenistan/2196850.html',
    'https://www.sueddeutsche.de/politik/brexit-johnson-corbyn-1.4687012',
    'https://timesofindia.indiatimes.com/india/air-quality/articleshow/72129043.cms',
    'http://www.cbs8.com/story/10120887/city-attorney-weighs-filing-dui-charges',
    'https://sputniknews.com/columnists/201911181077343476-royal-self-indicting-arrogance/',
    'https://www.aljazeera.com/ajimpact/nasas-moon-shot-191119041538885.html',
    'https://en.yna.co.kr/view/AEN20191119002300315',
    'http://online.wsj.com/article/SB10001424052970203986604577253501384154044.html',
    'https://www.colts.com/news/article-1/COLTS-TOP-CHIEFS/18bab7d6-6c12-4873-ab0b-b33b42a9065c',
    'https://www.wsj.com/articles/is-football-violence-a-crime-11574121884',
    // years in slugs, seasons, two-digit years
    'https://www.example.com/politics/the-2008-election-revisited',
    'https://www.slashgear.com/2020-audi-e-tron-sportback-revealed-19600369/',
    'http://www.mvc-sports.com/mbasketball/news/2012-13/6527/arch-madness-creighton-65-drake-53/',
    'http://www.businessinsider.com/riots-after-brooklyn-teen-shot-by-police-2013-3',
    'https://appleinsider.com/articles/19/11/18/16-inch-macbook-pro-review',
    'https://www.corriere.it/esteri/19_novembre_19/hong-kong-assedio.shtml',
    'http://www.x17online.com/celebrities/lindsay_lohan/lohan_checks_out_061313.php',
    // a listing number after /year/month/ is not a day
    'https://www.example.com/2019/11/13-inch-macbook-pro-keyboard/',
    'https://www.commondreams.org/newswire/2009/04/27-1',
    // day and month both ≤ 12: 03-05 is 3 May or 5 March
    'https://www.example.com/news/03-05-2013-fire-downtown',
    // not a calendar day, implausible, or in the future
    'https://www.example.com/2013/02/30/slug',
    'https://www.example.com/2013/13/01/slug',
    'https://www.example.com/1985/05/03/slug',
    'https://www.example.com/2025/03/23/slug',
    // an archive of a period's posts
    'http://sportzassassin2.blogspot.nl/2005_05_01_archive.html',
    // two different days
    'https://www.example.com/2013/05/03/remembering-2001-09-11-attacks',
    // the host is not the path
    'https://2013-05-03.example.com/news/slug',
    'not a url',
  ])('%s has no day', (url) => {
    expect(dateFromUrl(url, RECEIVED)).toBeNull();
  });

  it('accepts a day up to two days after reception (time zones, clock skew)', () => {
    expect(dateFromUrl('https://www.example.com/2025/03/21/slug', RECEIVED)).toBe(
      day('2025-03-21'),
    );
  });

  it('takes the earliest of days a day or two apart (online and print dates)', () => {
    expect(
      dateFromUrl(
        'http://articles.latimes.com/2013/may/03/local/la-me-0504-lohan-rehab-20130504',
        RECEIVED,
      ),
    ).toBe(day('2013-05-03'));
  });

  it('has no future bound when the reception time is unknown', () => {
    expect(dateFromUrl('https://www.example.com/2031/01/01/slug', 'not a date')).toBe(
      day('2031-01-01'),
    );
    expect(dateFromUrl(null, RECEIVED)).toBeNull();
  });
});

describe('dateFromUrl on URLs that state only a month', () => {
  it.each([
    'https://theantijunecleaver.com/2014/09/make-arrowhead-water-a-part-of-your-hike/',
    'https://www.linknaija.com/2018/10/nollywood-actress-kate-henshaw-is.html',
    'https://dealbreaker.com/2019/11/opening-bell-11-18-19',
    'http://www.ens-newswire.com/ens/apr2009/index.html',
    'https://www.theguardian.com/world/2009/apr/',
  ])('%s states no day', (url) => {
    expect(dateFromUrl(url, RECEIVED)).toBeNull();
  });
});

import {
  andedLexemes,
  bitmapIndexRows,
  feedOrderFrom,
  mayHoldPhrase,
  phraseCandidates,
  plainLexemes,
  SEARCH_INDEX_CAP,
  searchIndexCap,
  searchPlanFor,
  singleLexeme,
  windowSize,
} from './search-plan';

describe('searchPlanFor', () => {
  it('answers no match at once, few through the index, more through windows', () => {
    expect(searchPlanFor(0)).toBe('none');
    expect(searchPlanFor(1)).toBe('index');
    expect(searchPlanFor(SEARCH_INDEX_CAP - 1)).toBe('index');
    expect(searchPlanFor(SEARCH_INDEX_CAP)).toBe('window');
    expect(searchPlanFor(10, 10)).toBe('window');
  });
});

describe('feedOrderFrom', () => {
  it('sends words in 150·√N articles or more to the feed order', () => {
    expect(feedOrderFrom(1_000_000)).toBe(150_000);
    expect(feedOrderFrom(10_000)).toBe(15_000);
  });
});

describe('bitmapIndexRows', () => {
  const explained = [
    {
      Plan: {
        'Node Type': 'Limit',
        'Actual Rows': 1,
        Plans: [
          {
            'Node Type': 'Bitmap Heap Scan',
            'Actual Rows': 1,
            Plans: [
              {
                'Node Type': 'Bitmap Index Scan',
                'Index Name': 'articles_search_idx',
                'Actual Rows': 5380,
              },
            ],
          },
        ],
      },
    },
  ];

  it("reads the index scan's row count from the plan", () => {
    expect(bitmapIndexRows(explained, 'articles_search_idx')).toBe(5380);
  });

  it('is null without a bitmap of that index', () => {
    expect(bitmapIndexRows(explained, 'events_sources_idx')).toBeNull();
    expect(bitmapIndexRows([{ Plan: { 'Node Type': 'Seq Scan' } }], 'x')).toBeNull();
    expect(bitmapIndexRows(null, 'x')).toBeNull();
    expect(bitmapIndexRows('text', 'x')).toBeNull();
  });
});

describe('andedLexemes', () => {
  it('lists the lexemes of a tsquery of ANDs, else null', () => {
    expect(andedLexemes("'dockers' & 'walk'")).toEqual(['dockers', 'walk']);
    expect(andedLexemes("'it''s' & ( 'a' & 'b' )")).toEqual(["it's", 'a', 'b']);
    expect(andedLexemes("'a' | 'b'")).toBeNull();
    expect(andedLexemes("'a':* & 'b'")).toBeNull();
    expect(andedLexemes("!'a' & 'b'")).toBeNull();
    expect(andedLexemes('')).toBeNull();
  });
});

describe('plainLexemes', () => {
  it('lower-cases plain words, and is null when any word is not one', () => {
    expect(plainLexemes(' Harbour  Strike ')).toEqual(['harbour', 'strike']);
    expect(plainLexemes('harbour or strike')).toBeNull();
    expect(plainLexemes('"harbour strike"')).toBeNull();
  });
});

describe('singleLexeme', () => {
  it('lower-cases one plain word and refuses anything Postgres would parse further', () => {
    expect(singleLexeme(' Harbour ')).toBe('harbour');
    expect(singleLexeme('Zürich')).toBe('zürich');
    expect(singleLexeme('2026')).toBe('2026');
    expect(singleLexeme('harbour strike')).toBeNull();
    expect(singleLexeme('"harbour"')).toBeNull();
    expect(singleLexeme('-harbour')).toBeNull();
    expect(singleLexeme('or')).toBeNull();
    expect(singleLexeme('')).toBeNull();
  });
});

describe('searchIndexCap', () => {
  it('grows with the square root of the stored articles, within bounds', () => {
    expect(searchIndexCap(1_000_000)).toBe(SEARCH_INDEX_CAP);
    expect(searchIndexCap(50_000)).toBe(671);
    expect(searchIndexCap(0)).toBe(100);
    expect(searchIndexCap(1e12)).toBe(50_000);
  });
});

describe('mayHoldPhrase', () => {
  it('leaves plain words alone and sends anything else to Postgres to parse', () => {
    expect(mayHoldPhrase('harbour strike Zürich 2026')).toBe(false);
    expect(mayHoldPhrase('"harbour strike"')).toBe(true);
    expect(mayHoldPhrase('dock-workers')).toBe(true);
    expect(mayHoldPhrase("o'neil")).toBe(true);
  });
});

describe('phraseCandidates', () => {
  it('makes every phrase operator an AND, quoted lexemes untouched', () => {
    expect(phraseCandidates("'dockers' <-> 'walk'")).toBe("'dockers' & 'walk'");
    expect(phraseCandidates("'foo-bar' <-> 'foo' <-> 'bar' | 'x' <2> 'y' & 'z'")).toBe(
      "'foo-bar' & 'foo' & 'bar' | 'x' & 'y' & 'z'",
    );
    expect(phraseCandidates("'a<->b' <-> 'it''s'")).toBe("'a<->b' & 'it''s'");
  });

  it('is null without a phrase, with a negation, or for text it cannot read', () => {
    expect(phraseCandidates("'harbour' & 'strike'")).toBeNull();
    expect(phraseCandidates("'a' & 'b<->c'")).toBeNull();
    expect(phraseCandidates("'dockers' <-> 'walk' & !'strike'")).toBeNull();
    expect(phraseCandidates("'a' <-> 'b' # 'c'")).toBeNull();
    expect(phraseCandidates('')).toBeNull();
  });
});

describe('windowSize', () => {
  it('spans the feed rows that hold the page twice over, never fewer than the page', () => {
    expect(windowSize(21, 1_000_000, 5_000)).toBe(8_400);
    expect(windowSize(21, 1_000_000, 50_000)).toBe(840);
    expect(windowSize(21, 100, 1_000)).toBe(21);
    expect(windowSize(21, 1_000_000, 0)).toBe(21);
  });
});

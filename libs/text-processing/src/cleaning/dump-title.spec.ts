import { DEFAULT_DUMP_TITLE_MODEL } from './field-params';
import {
  DUMP_TITLE_FEATURE_NAMES,
  type TitleLine,
  bestDumpTitle,
  dumpTitleCandidates,
} from './dump-title';

const RECEIVED_AT = '2025-03-12T10:00:00.000Z';

function line(text: string, prose = false): TitleLine {
  const words = text.split(/\s+/).length;
  return {
    text,
    words,
    furniture: false,
    glued: false,
    truncated: false,
    prose,
    stopDensity: prose ? 0.4 : 0.1,
    numericShare: 0,
    comparable: text.toLowerCase(),
  };
}

const PROSE =
  'The city council voted on Tuesday to expand the tram network by twelve kilometres, a plan debated for more than a decade.';

describe('dump headline ranker', () => {
  const lines = [
    line('Skip to content'),
    line('Home'),
    line('Sign up for our weekly newsletter today'),
    line('Home » Transport » Council expands tram network'),
    line('Council expands tram network'),
    line('By Jane Smith'),
    line('March 10, 2025'),
    line(PROSE, true),
    line(PROSE.replace('Tuesday', 'Monday'), true),
  ];
  const search = {
    bodyStart: 7,
    bodyFound: true,
    headTitle: null,
    receivedAt: RECEIVED_AT,
    slug: ['council', 'expands', 'tram', 'network'],
    maxWords: 40,
  };

  it('gives every candidate one value per feature, bylines and sentences left out', () => {
    const candidates = dumpTitleCandidates(lines, search);
    expect(candidates.map((candidate) => candidate.text)).toEqual([
      'Sign up for our weekly newsletter today',
      'Home » Transport » Council expands tram network',
      'Council expands tram network',
      // Stamps are told apart only among the best few (a date parse per line costs).
      'March 10, 2025',
    ]);
    for (const candidate of candidates) {
      expect(candidate.vector).toHaveLength(DUMP_TITLE_FEATURE_NAMES.length);
    }
    expect(DEFAULT_DUMP_TITLE_MODEL.weights).toHaveLength(DUMP_TITLE_FEATURE_NAMES.length);
  });

  it('ranks the headline over a breadcrumb and a promo with the committed weights', () => {
    const candidates = dumpTitleCandidates(lines, search);
    expect(bestDumpTitle(candidates, DEFAULT_DUMP_TITLE_MODEL, RECEIVED_AT)).toBe(
      'Council expands tram network',
    );
  });

  it('keeps the document title on the first line unless a line scores clearly above it', () => {
    const titled = [line('Council expands tram network - City Daily'), ...lines.slice(1)];
    const candidates = dumpTitleCandidates(titled, {
      ...search,
      slug: [],
      headTitle: 'Council expands tram network',
    });
    expect(bestDumpTitle(candidates, DEFAULT_DUMP_TITLE_MODEL, RECEIVED_AT, 100)).toBe(
      'Council expands tram network',
    );
  });

  it('never returns a date stamp', () => {
    const stamps = [line('Home'), line('Updated March 10, 2025 at 5:40 p.m.'), line(PROSE, true)];
    const candidates = dumpTitleCandidates(stamps, { ...search, bodyStart: 2, slug: [] });
    expect(bestDumpTitle(candidates, { weights: [0, 0, 0, 0, 1] }, RECEIVED_AT)).toBeNull();
  });
});

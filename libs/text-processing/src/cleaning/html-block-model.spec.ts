import { cleanArticle } from './clean-article';
import { rawArticle as raw } from './cleaning.fixtures';
import {
  BLOCK_FEATURE_NAMES,
  BLOCK_TAG_COUNT,
  DEFAULT_BLOCK_MODEL,
  blockModelParagraphs,
  blockVectors,
  type BlockInput,
  type BlockPlace,
} from './html-block-model';

describe('the committed HTML block model', () => {
  it('is trained on the features the library computes (else: npm run train:cleaning)', () => {
    expect(DEFAULT_BLOCK_MODEL).not.toBeNull();
    expect(DEFAULT_BLOCK_MODEL?.features).toEqual(BLOCK_FEATURE_NAMES);
  });

  it('is a small model whose trees only name existing features', () => {
    const model = DEFAULT_BLOCK_MODEL;
    if (model === null) throw new Error('no model');
    expect(JSON.stringify(model).length).toBeLessThan(2_000_000);
    for (const tree of model.trees) {
      expect(tree).toHaveLength(10);
      for (const feature of [tree[0], tree[2], tree[6]]) {
        expect(feature).toBeGreaterThanOrEqual(0);
        expect(feature).toBeLessThan(BLOCK_FEATURE_NAMES.length);
      }
    }
  });
});

const PROSE =
  'The council voted on Tuesday to expand the tram network by twelve kilometres, a plan debated for more than a decade.';

function input(texts: string[], furniture: boolean[] = texts.map(() => false)): BlockInput {
  const place = (container: number): BlockPlace => ({
    tag: 1,
    flags: 0,
    depth: 3,
    container,
    first: null,
    last: null,
  });
  return {
    texts,
    linkShares: texts.map(() => 0),
    places: texts.map((_, index) => place(index < 2 ? 1 : 2)),
    inContent: Float64Array.from(texts.map(() => 1)),
    kept: texts.map(() => true),
    furniture,
    titleKeys: new Set(['councilexpandstramnetwork']),
    language: 'en',
  };
}

describe('blockVectors', () => {
  it("marks a block whose copy, not itself, is in Readability's container", () => {
    const page = input([PROSE, 'Council expands tram network', PROSE]);
    page.inContent.set([1, 1, 0]);
    const vectors = blockVectors(page);
    const copy = BLOCK_FEATURE_NAMES.indexOf('copy_in_content');
    const width = BLOCK_FEATURE_NAMES.length;
    expect([vectors[copy], vectors[width + copy], vectors[2 * width + copy]]).toEqual([0, 0, 1]);
  });

  it('gives every block one row of every feature', () => {
    const vectors = blockVectors(input(['Council expands tram network', PROSE, PROSE]));
    expect(vectors).toHaveLength(3 * BLOCK_FEATURE_NAMES.length);
    const isTitle = BLOCK_FEATURE_NAMES.indexOf('is_title');
    expect(vectors[isTitle]).toBe(1);
    expect(vectors[BLOCK_FEATURE_NAMES.length + isTitle]).toBe(0);
    expect(BLOCK_FEATURE_NAMES.filter((name) => name.startsWith('tag_'))).toHaveLength(
      BLOCK_TAG_COUNT,
    );
  });
});

describe('blockModelParagraphs', () => {
  it("leaves out what Readability's filters name furniture and labels at the edges", () => {
    const texts = ['Share', PROSE, '(Image: Getty)', PROSE, 'Related'];
    const paragraphs = blockModelParagraphs(
      texts.map(() => true),
      input(texts, [false, false, true, false, false]),
    );
    expect(paragraphs).toEqual([PROSE, PROSE]);
  });

  it("keeps one copy of a text: a second copy outside Readability's container stays out", () => {
    const other = `${PROSE} Its opponents said they would appeal.`;
    const page = input([PROSE, other, PROSE, other]);
    page.inContent.set([1, 1, 0, 1]);
    expect(blockModelParagraphs([true, true, true, true], page)).toEqual([PROSE, other, other]);
  });

  it('gives nothing when (almost) nothing is selected, so Readability stands', () => {
    expect(blockModelParagraphs([false, true], input(['Menu', 'Short line.']))).toBeNull();
  });
});

describe('cleanArticle with the block model (the default)', () => {
  const prose = [
    'The city council voted on Tuesday to expand the tram network by twelve kilometres, a plan that has been debated for more than a decade.',
    'Supporters said the new lines would cut commuting times for tens of thousands of residents in the eastern districts, while critics warned about the cost.',
    'The first construction works are expected to start next spring and should be finished before the end of 2028, according to the mayor.',
    'Local businesses along the planned route have asked for compensation during the works, which the council said it would consider in the coming weeks.',
  ];
  it('keeps the article and leaves the menu, the headline and the teasers out', () => {
    const html = `<!doctype html><html lang="en"><head><title>Council expands tram network | City Daily</title></head>
      <body><div class="menu"><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></div>
      <article><h1>Council expands tram network</h1>${prose.map((text) => `<p>${text}</p>`).join('')}</article>
      <div class="more"><h3>More stories</h3><ul>
      <li><a href="/a">Bus fares will rise by ten percent from next month, the operator says</a></li>
      <li><a href="/b">Why the old tram network was closed in 1958 and what it left behind</a></li></ul></div>
      </body></html>`;
    const outcome = cleanArticle(raw({ html }));
    expect(outcome.kind === 'article' ? outcome.article.text : '').toBe(prose.join('\n\n'));
  });
});

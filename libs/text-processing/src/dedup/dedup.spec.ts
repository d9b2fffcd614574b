import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  InMemoryDedupIndex,
  compareSignatures,
  findDuplicate,
  fingerprintArticle,
  shingles,
  textHash,
  type UnassignedFingerprint,
} from '.';

const seedsDirectory = resolve(__dirname, '../../../../test/fixtures/seeds');

interface SeedExpectation {
  articles: Record<string, { title: string; keep: string[] }>;
}

/** The article paragraphs of a seed page dump: the lines holding a passage the cleaner must keep. */
function seedArticle(file: string): { title: string; text: string } {
  const expected = JSON.parse(
    readFileSync(resolve(seedsDirectory, 'expected.json'), 'utf8'),
  ) as SeedExpectation;
  const { title, keep } = expected.articles[file];
  const lines = readFileSync(resolve(seedsDirectory, file), 'utf8').split('\n');
  const paragraphs = lines.filter((line) => keep.some((passage) => line.includes(passage)));
  return { title, text: paragraphs.join('\n\n') };
}

const KYIV = 'kyiv-independent-naryshkin-ratcliffe.txt';
const RT = 'rt-kenya-star-naryshkin-ratcliffe.txt';

async function indexWith(texts: Record<string, string>): Promise<InMemoryDedupIndex> {
  const index = new InMemoryDedupIndex();
  for (const [articleId, text] of Object.entries(texts)) {
    const fingerprint = fingerprintArticle({ articleId, canonicalUrl: null, text });
    await index.add({ ...fingerprint, duplicateOf: null, eventId: `event-of-${articleId}` });
  }
  return index;
}

function fingerprintOf(text: string, articleId = 'incoming'): UnassignedFingerprint {
  return fingerprintArticle({ articleId, canonicalUrl: null, text });
}

function editWords(text: string, every: number): string {
  return text
    .split(' ')
    .map((word, position) => (position % every === every - 1 ? 'changed' : word))
    .join(' ');
}

describe('textHash', () => {
  it('ignores case, spacing, punctuation and Unicode compatibility forms', () => {
    expect(textHash('Hello,   World!\n\nSecond “line”.')).toBe(textHash('hello world second line'));
    expect(textHash('Ｔｏｋｙｏ ２０２５')).toBe(textHash('tokyo 2025'));
  });

  it('differs for different words', () => {
    expect(textHash('the cat sat')).not.toBe(textHash('the dog sat'));
  });
});

describe('shingles', () => {
  it('uses character shingles for text without word spaces', () => {
    const result = shingles('东京电力公司今天宣布将提高电价');
    expect(result).toContain('东京电');
    expect(result.every((shingle) => [...shingle].length === 3)).toBe(true);
  });

  it('uses character shingles for short texts and word shingles for long ones', () => {
    expect(shingles('Quake hits coast').every((shingle) => shingle.length === 5)).toBe(true);
    const long = seedArticle(KYIV).text;
    expect(shingles(long)).toContain('sergey naryshkin director');
  });
});

describe('findDuplicate', () => {
  const kyiv = seedArticle(KYIV);
  const rt = seedArticle(RT);

  it('finds exact copies by id, canonical url and normalised text', async () => {
    const index = new InMemoryDedupIndex();
    const original = fingerprintArticle({
      articleId: 'a1',
      canonicalUrl: 'https://example.com/a',
      text: kyiv.text,
    });
    await index.add({ ...original, duplicateOf: null, eventId: 'e1' });

    const sameId = fingerprintArticle({ articleId: 'a1', canonicalUrl: null, text: 'other' });
    expect(await findDuplicate(sameId, index)).toMatchObject({
      duplicateOf: 'a1',
      reason: 'same-id',
    });

    const sameUrl = fingerprintArticle({
      articleId: 'a2',
      canonicalUrl: 'https://example.com/a',
      text: 'other',
    });
    expect(await findDuplicate(sameUrl, index)).toMatchObject({ reason: 'canonical-url' });

    const retyped = fingerprintOf(kyiv.text.toUpperCase().replace(/\n\n/g, ' '));
    expect(await findDuplicate(retyped, index)).toMatchObject({
      duplicateOf: 'a1',
      eventId: 'e1',
      reason: 'text-hash',
    });
  });

  it('finds a lightly edited re-post (words changed, closing paragraph dropped)', async () => {
    const index = await indexWith({ original: kyiv.text });
    const paragraphs = kyiv.text.split('\n\n');
    const edited = editWords(paragraphs.slice(0, -1).join('\n\n'), 30);
    expect(await findDuplicate(fingerprintOf(edited), index)).toMatchObject({
      duplicateOf: 'original',
      reason: 'near-duplicate',
    });
  });

  it('finds a syndicated copy wrapped in another outlet’s boilerplate', async () => {
    const index = await indexWith({ original: rt.text });
    const wrapped = [
      'Home | World | Business | Sport',
      'Subscribe to our newsletter for the latest headlines',
      rt.text,
      'Share this article on Facebook, Twitter and email',
      'Copyright 2025 Example Media. All rights reserved. Privacy policy. Terms of use.',
    ].join('\n\n');
    expect(await findDuplicate(fingerprintOf(wrapped), index)).toMatchObject({
      duplicateOf: 'original',
    });
  });

  it('does not call two outlets’ write-ups of the same story duplicates', async () => {
    const index = await indexWith({ kyiv: kyiv.text });
    expect(await findDuplicate(fingerprintOf(rt.text), index)).toBeNull();
    const evidence = compareSignatures(fingerprintOf(kyiv.text), fingerprintOf(rt.text));
    expect(evidence.jaccard).toBeLessThan(0.1);
  });

  it('handles Chinese text with character shingles', async () => {
    const original =
      '日本气象厅表示，当地时间周三上午九时许，日本东北部宫城县近海发生里氏六点一级地震，震源深度约五十公里。' +
      '目前尚未收到人员伤亡报告，东北新干线部分区间一度暂停运行。气象厅提醒居民注意今后一周可能发生的强烈余震。';
    const reposted = original.replace('九时许', '九点多').replace('暂停运行', '停止运行');
    const different =
      '中国国家统计局周一公布数据显示，今年第三季度国内生产总值同比增长百分之四点六，增速较上一季度有所放缓。' +
      '分析人士认为，房地产市场低迷和外部需求疲软仍是拖累经济增长的主要因素。';
    const index = await indexWith({ quake: original });
    expect(await findDuplicate(fingerprintOf(reposted), index)).toMatchObject({
      duplicateOf: 'quake',
    });
    expect(await findDuplicate(fingerprintOf(different), index)).toBeNull();
  });

  it('handles short texts with character shingles', async () => {
    const index = await indexWith({
      brief: 'Magnitude 6.1 earthquake strikes off the coast of Miyagi, no tsunami warning issued.',
    });
    const retitled =
      'A magnitude 6.1 earthquake strikes off the coast of Miyagi; no tsunami warning issued';
    const other =
      'Central bank raises its key interest rate by a quarter point to fight inflation.';
    expect(await findDuplicate(fingerprintOf(retitled), index)).toMatchObject({
      duplicateOf: 'brief',
    });
    expect(await findDuplicate(fingerprintOf(other), index)).toBeNull();
  });

  it('points copies of copies at the first copy', async () => {
    const index = new InMemoryDedupIndex();
    const first = fingerprintOf(kyiv.text, 'first');
    await index.add({ ...first, duplicateOf: null, eventId: 'e1' });
    const second = fingerprintOf(editWords(kyiv.text, 25), 'second');
    await index.add({ ...second, duplicateOf: 'first', eventId: 'e1' });
    const third = fingerprintOf(editWords(editWords(kyiv.text, 25), 17), 'third');
    expect(await findDuplicate(third, index)).toMatchObject({
      duplicateOf: 'first',
      eventId: 'e1',
    });
  });
});

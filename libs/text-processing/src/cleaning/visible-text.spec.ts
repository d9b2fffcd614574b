import { cleanArticleAsVisibleText } from './visible-text';
import { rawArticle as raw } from './cleaning.fixtures';

const PROSE = [
  'The harbour council approved the new budget on Monday evening after a session that lasted more than six hours.',
  'Most of the extra money goes to dredging the eastern basin, which has silted up since the storms of last winter.',
  'The opposition said the plan leaves too little for the ferry service, whose timetable was cut twice this year.',
];

describe('cleanArticleAsVisibleText', () => {
  it("cleans a page's visible text as a dump: scripts and navigation out, prose in", () => {
    const html = `<html><head><title>Budget</title><script>var x = "<p>no</p>";</script></head><body>
      <nav><a href="/">Home</a> <a href="/news">News</a></nav>
      <div class="story">${PROSE.map((text) => `<p>${text}</p>`).join('')}</div>
      <footer>© Harbour Times</footer></body></html>`;
    const outcome = cleanArticleAsVisibleText(raw({ html }));
    expect(outcome.kind).toBe('article');
    if (outcome.kind !== 'article') return;
    for (const paragraph of PROSE) expect(outcome.article.text).toContain(paragraph);
    expect(outcome.article.text).not.toMatch(/no<\/p>|Home|Harbour Times/);
  });

  it('cleans a text article as usual', () => {
    const outcome = cleanArticleAsVisibleText(raw({ text: PROSE.join('\n\n') }));
    expect(outcome.kind === 'article' && outcome.article.text).toBe(PROSE.join('\n\n'));
  });

  it('keeps the limits of the HTML path', () => {
    const nested = `<html><body>${'<div>'.repeat(5_000)}text${'</div>'.repeat(5_000)}</body></html>`;
    expect(cleanArticleAsVisibleText(raw({ html: nested })).kind).toBe('rejected');
  });
});

import { cleanArticle } from './clean-article';
import { rawArticle as raw } from './cleaning.fixtures';

describe('a doctype pasted inside the body', () => {
  // Too short for Readability's first attempt, so it restores the body from its source and tries
  // again; finding no container better than the body, it moves the body's children into a new one.
  // A doctype inside the body must neither leave a child there that cannot be moved (the loop
  // never ended) nor change what is extracted.
  const page = (inner: string): string =>
    `<!doctype html><html lang="en"><head><title>Seed swap in the square</title></head>` +
    `<body>${inner}</body></html>`;
  const paragraph =
    '<p>Gardeners traded tomato, bean and squash seeds on Saturday morning in the town square.</p>';
  const doctype = '<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.0 Transitional//EN">';

  it.each([
    ['first in the body', `${doctype}${paragraph}`],
    ['first in a block', `<div>${doctype}${paragraph}</div>`],
    ['after a header', `<header>Garden news</header><div>${doctype}${paragraph}</div>`],
    ['between paragraphs', `${paragraph}<div>${doctype}${paragraph}</div>`],
    ['in lower case', `<div><!doctype html>${paragraph}${paragraph}</div>`],
  ])('%s: the page is cleaned as without it', (_name, inner) => {
    const outcome = cleanArticle(raw({ html: page(inner) }));
    const withoutDoctype = cleanArticle(raw({ html: page(inner.replace(/<!doctype[^>]*>/i, '')) }));
    expect(outcome).toEqual(withoutDoctype);
    expect(outcome.kind).toBe('article');
  });
});

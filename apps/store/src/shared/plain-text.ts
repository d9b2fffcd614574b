/** A tag a browser would parse: `<` then a letter, `/`, `!` or `?`, up to the next `>`. */
const TAG = /<[/!?]?[a-zA-Z!?][^>]*>?/g;
const TAG_OPENER = /<(?=[/!?a-zA-Z])/g;

/**
 * `text` and `title` are plain text (docs/contract.md). The cleaner already drops the page's markup, but a
 * page may spell markup as text (`&lt;script&gt;`), which decodes to a real tag. The store keeps no
 * tag a browser would run if a reader pasted the text into HTML: tags go, stray openers become `‹`.
 */
export function plainText<T extends string | null>(value: T): T {
  if (value === null) return value;
  return value.replace(TAG, '').replace(TAG_OPENER, '‹') as T;
}

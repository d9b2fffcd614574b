/**
 * Patterns of page furniture, in several languages. Each pattern is anchored or made of literal
 * alternatives so matching stays linear; callers also cap the line length they test.
 */

/** Navigation, sharing, ads, "read more", captions: only trusted on short lines. */
export const SHORT_LINE_BOILERPLATE: readonly RegExp[] = [
  /\b(?:read|show|load|see|view|more) (?:more|less|all|comments?|stories|articles|news)\b/i,
  /\b\d+\s*(?:-\s*)?min(?:ute)?s?\.? read\b/i,
  /^(?:share|tweet|e-?mail|print|comments?|facebook|twitter|linkedin|whatsapp|pinterest|reddit|telegram|flipboard|copy link|save|bookmark|reply|like|follow)\b/i,
  /\b(?:advertisement|advertising|sponsored|promoted|ad ?choices|paid content|partner content)\b/i,
  /\ball rights reserved\b|©|\(c\) ?\d{4}|\bcopyright\b/i,
  /\b(?:privacy (?:policy|notice|settings)|terms (?:of|and) (?:use|service|conditions)|cookie|contact us|about us)\b/i,
  /\b(?:sign (?:up|in)|log ?in|log ?out|subscribe|register|newsletters?|my account)\b/i,
  /\bfollow (?:us|@|\p{Lu}[\p{L}.]* on)\b/iu,
  /^(?:related|recommended|trending|most (?:read|popular|viewed|shared)|more from|more on|you (?:may|might) (?:also )?like|also read|further reading|top stories|latest(?: news)?|more stories|editor'?s picks|popular|in case you missed it|what to read next|up next|news feed|breaking news)\b/i,
  /\b(?:photo|image|picture|video|illustration|graphic)s? ?(?:credit|courtesy|by|source)\b/i,
  /^(?:image|photo|video|avatar|article image|caption|close|play|watch|listen|skip|menu|search|home|next|previous|back to top|expand|collapse|loading)\b/i,
  /^(?:tags?|topics?|categories|filed under|keywords|source|sources)\s*:/i,
  /\bcontinue reading\b|\bclick here\b|\bjump to\b|\bskip to\b/i,
  /^adverts?$/i,
  /\b(?:requires|enable|turn on) javascript\b|\bjavascript (?:is )?(?:required|disabled)\b/i,
  /^(?:tell us what you think|have your say|what do you think)\b/i,
  /^(?:don'?t miss|must read|editor'?s choice)\b/i,
  /\b(?:lire (?:aussi|la suite|plus)|à lire aussi|partager|abonnez|publicité|voir plus|en savoir plus)\b/i,
  /\b(?:weiterlesen|mehr zum thema|anzeige|teilen|abonnieren|mehr lesen|zum artikel)\b/i,
  /\b(?:leer más|lee también|compartir|publicidad|suscríbete|noticias relacionadas|ver más)\b/i,
  /\b(?:leggi anche|condividi|pubblicità|iscriviti|leggi di più)\b/i,
  /\b(?:leia (?:mais|também)|compartilhe|publicidade|assine|veja (?:também|mais))\b/i,
  /(?:читайте также|подписывайтесь|подписаться|поделиться|реклама|читать далее|смотрите также)/i,
  /\b(?:baca juga|bagikan|iklan|selengkapnya)\b/i,
];

/** Caption and photo-credit signatures, trusted on lines up to a few hundred characters. */
export const CAPTION_PATTERNS: readonly RegExp[] = [
  /\((?:photo[^)]{0,60}|getty(?: images)?|ap(?: photo)?[^)]{0,60}|afp[^)]{0,40}|reuters[^)]{0,40}|shutterstock|file photo|epa[^)]{0,40}|istock[^)]{0,20})\)\s*$/i,
  /\bfor illustrative purposes\b/i,
  /^(?:above|below|pictured|top|left|right|main image|in the photo|photo|image|file)\s*:/i,
  /\b(?:photo|image|picture)\s*:\s*\p{Lu}/u,
  /\|\s*(?:photo|image|credit)\b/i,
  /\b(?:getty images|shutterstock|istockphoto)\s*$/i,
];

/** Newsletter, app and "publish with us" promos: long-ish sentences, still furniture. */
export const PROMO_PATTERNS: readonly RegExp[] = [
  /\b(?:daily (?:email|newsletter|dose)|sign up (?:for|to|now)|subscribe (?:to|for|now|today)|news release|publish (?:news|with us|your)|get (?:our|the) (?:app|newsletter)|download (?:our|the) app|support (?:independent|our) journalism|become a (?:member|subscriber|patron)|(?:in|to) your inbox|delivered to your inbox|this (?:article|story|content) (?:is|was) (?:sponsored|brought to you)|we may earn (?:a )?commission|affiliate links?)\b/i,
  /\b(?:stay (?:up to date|updated|informed|in the loop) with|(?:successfully|succesfully) subscribed|activation link|confirm your (?:email|subscription)|enter your e-?mail)\b/i,
  /\bfollow (?:him|her|them|me|us) on (?:twitter|facebook|instagram|linkedin|threads|bluesky)\b|\b(?:affiliate|referral)(?: and\/or (?:affiliate|referral))? links?\b/i,
  // A WordPress shortcode the site failed to render: "[button link=...]Send us yours[/button]".
  /^\[\w+\b[^\]]*\].*\[\/\w+\]$/,
  /\b(?:this material may not be published|may not be (?:re)?published, broadcast|quotes (?:are )?delayed|market data provided by)\b/i,
];

/** Author bios: "Jane Doe is a news editor at ...". */
export const BIO_PATTERN =
  /^(?:\p{Lu}[\p{L}'’.-]*\s){1,3}(?:is|was|has been|est|ist|es|è|é)\s(?:a|an|the|un|une|ein|eine|una|uma)?\s?(?:[\p{L}-]+\s){0,5}?(?:editor|reporter|writer|journalist|correspondent|columnist|author|contributor|producer|analyst|blogger|journaliste|rédact|redakteur|journalistin|periodista|giornalista|jornalista)/iu;

export const ROLE_LINE =
  /^(?:senior |chief |staff |news |deputy |managing |contributing |executive |associate |political |foreign |tech |science )*(?:editor|reporter|writer|correspondent|journalist|columnist|contributor|producer|author)s?\b/i;

/** Case variants are spelled out: with the `i` flag `\p{Lu}` would match lower case too. */
export const BYLINE =
  /^(?:[Bb]y|BY|[Ww]ritten [Bb]y|[Ww]ords [Bb]y|[Vv]on|[Pp]ar|[Pp]or|[Dd]i|[Dd]oor|[Oo]leh|[Оо]т|[Аа]втор:?)\s+(\p{Lu}[\p{L}'’.-]+(?:\s+(?:\p{Lu}[\p{L}'’.-]+|de|da|van|von|der|del|la|le|bin)){0,3})/u;

export const AUTHOR_LABEL =
  /^(?:author|auteur|autor|autore|penulis|автор)\s*[:：]\s*(\p{Lu}[\p{L}'’.-]+(?:\s+\p{Lu}[\p{L}'’.-]+){0,3})/iu;

/** Labels that a scraper glued onto the next block ("More InformationBRUSSELS, ..."). */
export const GLUED_LABEL =
  /^(?:More Information|More information|Related Stories|Related Articles|Related|Read More|Read more|Advertisement|Trending|Latest News|Latest|Recommended|Most Read|Top Stories)(?=[\p{Lu}\d"“])/u;

/**
 * One regex made of every alternative: the engine scans the line once instead of once per pattern,
 * which matters because every line of every page is tested.
 */
function combined(patterns: readonly RegExp[]): RegExp[] {
  const byFlags = new Map<string, string[]>();
  for (const pattern of patterns) {
    const sources = byFlags.get(pattern.flags) ?? [];
    sources.push(`(?:${pattern.source})`);
    byFlags.set(pattern.flags, sources);
  }
  return [...byFlags].map(([flags, sources]) => new RegExp(sources.join('|'), flags));
}

const COMBINED = new WeakMap<readonly RegExp[], RegExp[]>();

export function matchesAny(patterns: readonly RegExp[], text: string): boolean {
  let merged = COMBINED.get(patterns);
  if (merged === undefined) {
    merged = combined(patterns);
    COMBINED.set(patterns, merged);
  }
  for (const pattern of merged) if (pattern.test(text)) return true;
  return false;
}

/**
 * Lines that close an article: copyright footers, comment sections, "more in ..." rails. The
 * article body never continues past them, so the body search treats them as walls.
 */
export const END_OF_ARTICLE_PATTERNS: readonly RegExp[] = [
  /^(?:©|\(c\)|copyright\b).{0,120}$/i,
  /\ball rights reserved\.?\s*$/i,
  /^\[?\s*\d+\s+comments?\s*\]?$/i,
  /^(?:top rated |latest |show |view |load |read |post a |add a |join the )?comments?\s*(?:\(\d+\))?$/i,
  /^(?:leave a (?:comment|reply)|join the (?:conversation|discussion)|what do you think\?)/i,
  /^(?:commentaires|kommentare|comentarios|commenti|comentários|комментарии|komentar)\s*(?:\(\d+\))?$/i,
  /^(?:lascia un commento|laisser un commentaire|laissez un commentaire|deixe (?:um|seu) comentário|deja (?:un|tu) comentario|schreibe(?: einen)? kommentar|kommentar schreiben|оставить комментарий|tinggalkan (?:komentar|balasan))/i,
];

/**
 * Rails of links to other stories. After the article they end it, but pages also drop them between
 * two paragraphs, so the body search only treats them as walls when no paragraphs follow closely.
 */
export const RAIL_PATTERNS: readonly RegExp[] = [
  /^(?:more in|more from|related (?:articles|stories|posts|news|content|coverage)|you (?:may|might) also (?:like|enjoy)|recommended (?:for you|stories|articles|reading)|most (?:read|popular|viewed)|trending (?:now|stories)|around the web|from our partners)\b/i,
];

/**
 * A press release's closing paragraph about the issuer: "Acme is a global provider of ...",
 * "Acme est un groupe ...", "Acme ist ein Hersteller ...". No `i` flag: `\p{Lu}` must stay upper case.
 */
export const ISSUER_BOILERPLATE =
  /^((?:(?:\p{Lu}[\p{L}\p{N}&.'’-]*|de|del|der|des|di|du|la|van|von)\s){0,3}\p{Lu}[\p{L}\p{N}&.'’-]*),?\s(?:is|ist|est|es|è|é|är|er)\s(?:a|an|the|one of the|un|une|ein|eine|una|uma|en|et)\s(?:[\p{L}\p{N}-]+,?\s){0,8}?(?:[Pp]rovider|[Cc]ompany|[Mm]anufacturer|[Ll]eader|[Ss]upplier|[Dd]eveloper|[Mm]aker|[Ff]irm|[Gg]roup|[Oo]rgani[sz]ation|[Ss]pecialist|[Pp]latform|fournisseur|entreprise|société|groupe|leader|Unternehmen|Anbieter|Hersteller|Konzern|empresa|proveedor|compañía|grupo|azienda|società|fornitore|gruppo)s?\b/u;

/** The heading over it: "About Acme", "À propos d'Acme", "Über Acme", "Acerca de Acme". */
export const ISSUER_HEADING =
  /^(?:[Aa]bout|ABOUT|À propos d[e'’]|A propos d[e'’]|Über|Acerca de|Sobre|Informazioni su|Chi è|Om|Tentang)\s?\S.{0,60}$/u;

/** Blocks a press release's "About <issuer>" part may hold after its first paragraph. */
const MAX_ISSUER_BLOCKS = 3;
/** A boilerplate paragraph is a few sentences long; a one-line mention of a company is news. */
const MIN_ISSUER_CHARS = 150;
/** Never cut an article down to fewer blocks than this. */
const MIN_BLOCKS_BEFORE_ISSUER = 3;

/**
 * Drops a press release's closing part about the issuer: in the last few blocks, a paragraph that
 * presents a company ("Acme is a global provider of ...", see ISSUER_BOILERPLATE), the paragraphs
 * after it that start with the same name ("Acme is headquartered in ..."), and an "About Acme"
 * heading just before it.
 */
export function withoutIssuerBoilerplate(blocks: string[]): string[] {
  const first = Math.max(MIN_BLOCKS_BEFORE_ISSUER, blocks.length - MAX_ISSUER_BLOCKS);
  for (let index = first; index < blocks.length; index += 1) {
    if (blocks[index].length < MIN_ISSUER_CHARS) continue;
    const match = ISSUER_BOILERPLATE.exec(blocks[index]);
    if (match === null) continue;
    const name = match[1];
    const rest = blocks.slice(index + 1);
    if (!rest.every((block) => block.startsWith(name) || ISSUER_BOILERPLATE.test(block))) continue;
    const start =
      index > MIN_BLOCKS_BEFORE_ISSUER && ISSUER_HEADING.test(blocks[index - 1])
        ? index - 1
        : index;
    return blocks.slice(0, start);
  }
  return blocks;
}

const EDGE_SENTENCE_END = /[.!?。！？؟"”’'»)]$/u;

/** Labels left before the first sentence and headings after the last one are page furniture. */
export function trimEdges(blocks: string[]): string[] {
  const isSentence = (block: string): boolean =>
    EDGE_SENTENCE_END.test(block) || block.length >= 120;
  let start = 0;
  let end = blocks.length;
  while (start < end && !isSentence(blocks[start]) && blocks[start].length < 40) start += 1;
  while (end > start && !isSentence(blocks[end - 1]) && blocks[end - 1].length < 120) end -= 1;
  return blocks.slice(start, end);
}

import { wordTokens } from './tokens';

/**
 * Stop-word lists serve two purposes: telling prose from navigation (prose is dense in function
 * words, menus are not) and guessing the language of Latin/Cyrillic text. Scripts with their own
 * alphabet are recognised by code point ranges.
 */

const STOP_WORD_LISTS: Readonly<Record<string, string>> = {
  en: 'the of and to a in is that for it on was with as he she by at from his her they be this are have has had not but or an were which their its been will would who said also after more than about into when there one we you',
  fr: 'le la les de des du et un une en est que qui dans pour pas sur au aux par il elle ne se ce son sa ses plus avec a été sont mais ont cette comme ou leur nous vous lui été',
  de: 'der die das und in den von zu mit ist des sich auf für nicht im dem ein eine einer auch es an als werden wird sie er bei aus hat nach wie noch nur sind oder aber vor zur zum war',
  es: 'el la los las de del y en que un una por con para es se no su sus al lo como más pero fue ha son este esta o entre también sobre ya muy le desde',
  it: 'il la lo gli le di del della dei delle e che un una per con non è in si da al alla sono come più anche ma ha nel nella questo questa dopo',
  pt: 'o a os as de do da dos das e que em um uma para com não é se no na nos nas por mais foi ao como mas ele ela seu sua são também já pelo pela',
  nl: 'de het een en van in is dat op te zijn voor met niet er die aan ook als door bij om maar naar dan heeft wordt nog werd hij zij',
  id: 'yang dan di ini itu dengan untuk dari dalam tidak akan pada juga ke ada oleh karena bisa atau sudah saya mereka kami kita telah lebih',
  ru: 'и в не на что с по как а из о к у за это от для же но то его так он она было был бы их только ещё уже при этом также',
  uk: 'і в не на що з по як а із до у за це від для та але його вже був була було їх також при ще',
  pl: 'i w nie na się z do że to jest o jak ale za po od przez dla co tak już jego jej być był była które który',
  tr: 've bir bu da de için ile ne çok daha olarak gibi kadar sonra ise olan en ancak ama değil her',
  sv: 'och i att det som en på är av för med till den har inte om ett han men var de jag sig från',
  ro: 'și în de la cu pe nu din că o un este pentru care se mai au sau fost lui',
};

const STOP_WORDS: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  Object.entries(STOP_WORD_LISTS).map(([language, words]) => [language, new Set(words.split(' '))]),
);

/** Union of every list: a page language we do not know still gets a prose signal. */
const ANY_STOP_WORD: ReadonlySet<string> = new Set(
  Object.values(STOP_WORD_LISTS).flatMap((words) => words.split(' ')),
);

export function wordsOf(text: string): string[] {
  return wordTokens(text);
}

const SCRIPT_LANGUAGES: ReadonlyArray<readonly [RegExp, string]> = [
  [/[\uAC00-\uD7AF]/g, 'ko'],
  [/[\u3040-\u30FF]/g, 'ja'],
  [/[\u4E00-\u9FFF]/g, 'zh'],
  [/[\u0600-\u06FF]/g, 'ar'],
  [/[\u0590-\u05FF]/g, 'he'],
  [/[\u0370-\u03FF]/g, 'el'],
  [/[\u0E00-\u0E7F]/g, 'th'],
  [/[\u0900-\u097F]/g, 'hi'],
];

/** Scripts where words are not separated by spaces: length stands in for word counts. */
export function isUnspacedScript(language: string | null): boolean {
  return language === 'zh' || language === 'ja' || language === 'th';
}

const CYRILLIC = /[\u0400-\u04FF]/g;
const LATIN_LETTER = /[a-zA-Z\u00C0-\u024F]/g;

function countMatches(text: string, pattern: RegExp): number {
  pattern.lastIndex = 0;
  let count = 0;
  while (pattern.exec(text) !== null) count += 1;
  return count;
}

/** Detects an ISO 639-1 code from a sample of the text, or null when there is too little to tell. */
export function detectLanguage(text: string): string | null {
  const sample = text.length > 3000 ? text.slice(0, 3000) : text;
  const latin = countMatches(sample, LATIN_LETTER);
  const cyrillic = countMatches(sample, CYRILLIC);
  let bestScript: string | null = null;
  let bestScriptCount = 0;
  for (const [pattern, language] of SCRIPT_LANGUAGES) {
    const count = countMatches(sample, pattern);
    if (count > bestScriptCount) {
      bestScriptCount = count;
      bestScript = language;
    }
  }
  // Japanese text mixes kana and kanji; any real share of kana decides it.
  if (bestScript === 'zh' && countMatches(sample, SCRIPT_LANGUAGES[1][0]) > bestScriptCount * 0.1) {
    bestScript = 'ja';
  }
  if (bestScript !== null && bestScriptCount > Math.max(latin, cyrillic) * 0.5) return bestScript;

  const words = wordsOf(sample);
  if (words.length < 5) return null;
  let bestLanguage: string | null = null;
  let bestHits = 0;
  for (const [language, stopWords] of STOP_WORDS) {
    let hits = 0;
    for (const word of words) if (stopWords.has(word)) hits += 1;
    if (hits > bestHits) {
      bestHits = hits;
      bestLanguage = language;
    }
  }
  if (bestHits / words.length < 0.05) return null;
  return bestLanguage;
}

/** Share of words that are function words of the page language (or of any known language). */
export function stopWordDensity(words: readonly string[], language: string | null): number {
  if (words.length === 0) return 0;
  const stopWords = (language !== null ? STOP_WORDS.get(language) : undefined) ?? ANY_STOP_WORD;
  let hits = 0;
  for (const word of words) if (stopWords.has(word)) hits += 1;
  return hits / words.length;
}

export function hasStopWordList(language: string | null): boolean {
  return language !== null && STOP_WORDS.has(language);
}

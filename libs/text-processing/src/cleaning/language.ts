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

/** Scripts with their own alphabet, by UTF-16 code unit range. */
const SCRIPT_RANGES: ReadonlyArray<readonly [number, number, string]> = [
  [0xac00, 0xd7af, 'ko'],
  [0x3040, 0x30ff, 'ja'],
  [0x4e00, 0x9fff, 'zh'],
  [0x0600, 0x06ff, 'ar'],
  [0x0590, 0x05ff, 'he'],
  [0x0370, 0x03ff, 'el'],
  [0x0e00, 0x0e7f, 'th'],
  [0x0900, 0x097f, 'hi'],
];
const KANA_INDEX = 1;

/** Scripts where words are not separated by spaces: length stands in for word counts. */
export function isUnspacedScript(language: string | null): boolean {
  return language === 'zh' || language === 'ja' || language === 'th';
}

function isLatinLetter(code: number): boolean {
  return (
    (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || (code >= 0xc0 && code <= 0x24f)
  );
}

/** Detects an ISO 639-1 code from a sample of the text, or null when there is too little to tell. */
export function detectLanguage(text: string): string | null {
  const sample = text.length > 3000 ? text.slice(0, 3000) : text;
  // One pass over the sample counts Latin, Cyrillic and each other script.
  const scriptCounts = new Array<number>(SCRIPT_RANGES.length).fill(0);
  let latin = 0;
  let cyrillic = 0;
  for (let index = 0; index < sample.length; index += 1) {
    const code = sample.charCodeAt(index);
    if (code < 0x250) {
      if (isLatinLetter(code)) latin += 1;
      continue;
    }
    if (code >= 0x400 && code <= 0x4ff) {
      cyrillic += 1;
      continue;
    }
    for (let range = 0; range < SCRIPT_RANGES.length; range += 1) {
      if (code >= SCRIPT_RANGES[range][0] && code <= SCRIPT_RANGES[range][1]) {
        scriptCounts[range] += 1;
        break;
      }
    }
  }
  let bestScript: string | null = null;
  let bestScriptCount = 0;
  for (let range = 0; range < SCRIPT_RANGES.length; range += 1) {
    if (scriptCounts[range] > bestScriptCount) {
      bestScriptCount = scriptCounts[range];
      bestScript = SCRIPT_RANGES[range][2];
    }
  }
  // Japanese text mixes kana and kanji; any real share of kana decides it.
  if (bestScript === 'zh' && scriptCounts[KANA_INDEX] > bestScriptCount * 0.1) {
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

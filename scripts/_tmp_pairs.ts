import { readFileSync } from 'node:fs';
import { compareSignatures, fingerprintArticle } from '../libs/text-processing/src/dedup';
const rows = readFileSync('/work/shared/eval/ecbplus-dev.jsonl', 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { doc: string; event: string; text: string });
const fps = rows.map((r) => fingerprintArticle({ articleId: r.doc, canonicalUrl: null, text: r.text }));
const hist = new Map<number, number>();
for (let i = 0; i < fps.length; i++) for (let j = i + 1; j < fps.length; j++) {
  const e = compareSignatures(fps[i], fps[j]);
  const b = Math.floor(e.jaccard * 10); hist.set(b, (hist.get(b) ?? 0) + 1);
  if (e.jaccard >= 0.2 || e.isDuplicate) console.log(rows[i].doc, rows[j].doc, rows[i].event === rows[j].event, e.jaccard.toFixed(2), e.containment.toFixed(2), fps[i].shingleCount, fps[j].shingleCount, e.isDuplicate);
}
console.log([...hist.entries()].sort());

import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileEntry {
  function: string;
  where: string;
  selfPercent: number;
}

export interface ProfileSummary {
  file: string;
  /** Samples that were not idle: what the percentages are of. */
  busySamples: number;
  gcPercent: number;
  top: ProfileEntry[];
  /** Self time grouped by package or project folder. */
  byModule: Array<{ module: string; selfPercent: number }>;
}

const IDLE = new Set(['(idle)', '(program)']);

function moduleOf(url: string, root: string): string {
  if (url.length === 0) return '(native)';
  if (url.startsWith('node:')) return 'node core';
  const path = url.replace(/^file:\/\//, '');
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules)/.exec(path);
  if (packageMatch && !path.includes('newsflow-bench/dist')) return packageMatch[1];
  const projectMatch = /(apps\/[^/]+|libs\/[^/]+\/src\/[^/.]+)/.exec(path);
  return projectMatch ? projectMatch[1] : relative(root, path);
}

/** Self time per function from a V8 .cpuprofile, idle excluded. */
export function summariseProfile(file: string, root: string, limit = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const hits = new Map<number, number>();
  if (profile.samples) {
    for (const sample of profile.samples) hits.set(sample, (hits.get(sample) ?? 0) + 1);
  } else {
    for (const node of profile.nodes) hits.set(node.id, node.hitCount ?? 0);
  }
  const byFunction = new Map<string, { entry: Omit<ProfileEntry, 'selfPercent'>; count: number }>();
  const byModule = new Map<string, number>();
  let busy = 0;
  let gc = 0;
  for (const [id, count] of hits) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (IDLE.has(functionName)) continue;
    busy += count;
    if (functionName === '(garbage collector)') gc += count;
    const where = url ? `${moduleOf(url, root)}:${lineNumber + 1}` : '(native)';
    const name = functionName || '(anonymous)';
    const key = `${name}@${where}`;
    const existing = byFunction.get(key) ?? { entry: { function: name, where }, count: 0 };
    existing.count += count;
    byFunction.set(key, existing);
    const module = functionName === '(garbage collector)' ? '(gc)' : moduleOf(url, root);
    byModule.set(module, (byModule.get(module) ?? 0) + count);
  }
  const percent = (count: number) => Math.round((count / Math.max(1, busy)) * 1000) / 10;
  return {
    file,
    busySamples: busy,
    gcPercent: percent(gc),
    top: [...byFunction.values()]
      .sort((a, b) => b.count - a.count)
      .slice(0, limit)
      .map(({ entry, count }) => ({ ...entry, selfPercent: percent(count) })),
    byModule: [...byModule]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([module, count]) => ({ module, selfPercent: percent(count) })),
  };
}

/** `node profile.js <file.cpuprofile> [root]`: the summary of one profile, printed. */
if (require.main === module) {
  const [file, root = process.cwd()] = process.argv.slice(2);
  const summary = summariseProfile(file, root, 25);
  console.log(`${summary.busySamples} busy samples, GC ${summary.gcPercent}%`);
  for (const entry of summary.top)
    console.log(`${String(entry.selfPercent).padStart(5)}%  ${entry.function}  ${entry.where}`);
  for (const entry of summary.byModule)
    console.log(`${String(entry.selfPercent).padStart(5)}%  ${entry.module}`);
}

/**
 * Prints the top functions of a V8 .cpuprofile by self time, and self time by package or folder.
 *   npx tsx bench/profile-summary.ts <file.cpuprofile> [count]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTimeEntry {
  name: string;
  where: string;
  selfMs: number;
  share: number;
}

/** `node_modules/<package>`, `node:internal`, or the repo folder of a script URL. */
export function placeOf(url: string): string {
  if (!url) return '(native / V8)';
  if (url.startsWith('node:')) return 'node: (Node core)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return `node_modules/${rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  const match = /\/(src|test|bench)\/(.*)$/.exec(url);
  return match ? `${match[1]}/${path.dirname(match[2]!)}` : url;
}

function shortUrl(url: string): string {
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) return url.slice(modules + 'node_modules/'.length);
  const match = /\/((?:src|test|bench)\/.*)$/.exec(url);
  return match ? match[1]! : url;
}

/** Self time per function (samples × their time deltas), highest first, and per place. */
export function summarizeProfile(profile: CpuProfile): {
  functions: SelfTimeEntry[];
  places: SelfTimeEntry[];
} {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, index) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  const totalUs = profile.endTime - profile.startTime;
  const functions = new Map<string, SelfTimeEntry>();
  const places = new Map<string, SelfTimeEntry>();
  for (const [id, microseconds] of selfUs) {
    const { callFrame } = byId.get(id)!;
    const name = callFrame.functionName || '(anonymous)';
    const where = callFrame.url ? `${shortUrl(callFrame.url)}:${callFrame.lineNumber + 1}` : '';
    const key = `${name}\u0000${where}`;
    const entry = functions.get(key) ?? { name, where, selfMs: 0, share: 0 };
    entry.selfMs += microseconds / 1000;
    functions.set(key, entry);
    const place = placeOf(callFrame.url);
    const placeEntry = places.get(place) ?? { name: place, where: '', selfMs: 0, share: 0 };
    placeEntry.selfMs += microseconds / 1000;
    places.set(place, placeEntry);
  }
  const ranked = (entries: Iterable<SelfTimeEntry>): SelfTimeEntry[] =>
    [...entries]
      .map((entry) => ({ ...entry, share: (entry.selfMs * 1000) / totalUs }))
      .sort((a, b) => b.selfMs - a.selfMs);
  return { functions: ranked(functions.values()), places: ranked(places.values()) };
}

/** For one function name, its callers' frames with the self time they lead to, highest first. */
export function callersOf(profile: CpuProfile, functionName: string, depth = 1): SelfTimeEntry[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, index) =>
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)),
  );
  const callers = new Map<string, SelfTimeEntry>();
  for (const [id, microseconds] of selfUs) {
    if (byId.get(id)!.callFrame.functionName !== functionName) continue;
    const chain: string[] = [];
    let current = parentOf.get(id);
    while (current !== undefined && chain.length < depth) {
      const frame = byId.get(current)!.callFrame;
      chain.push(
        `${frame.functionName || '(anonymous)'} ${frame.url ? `${shortUrl(frame.url)}:${frame.lineNumber + 1}` : ''}`.trim(),
      );
      current = parentOf.get(current);
    }
    const key = chain.join(' ← ') || '(root)';
    const entry = callers.get(key) ?? { name: key, where: '', selfMs: 0, share: 0 };
    entry.selfMs += microseconds / 1000;
    callers.set(key, entry);
  }
  return [...callers.values()].sort((a, b) => b.selfMs - a.selfMs);
}

/** The text report: top `count` functions and the top places. */
export function renderProfileSummary(file: string, count = 25): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const { functions, places } = summarizeProfile(profile);
  const percent = (share: number): string => `${(share * 100).toFixed(1).padStart(5)}%`;
  const lines = [
    `${path.basename(file)}: ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s profiled`,
    '',
    `Top ${count} functions by self time:`,
    ...functions
      .slice(0, count)
      .map(
        (entry, index) =>
          `${String(index + 1).padStart(3)}. ${entry.selfMs.toFixed(0).padStart(7)} ms ${percent(entry.share)}  ${entry.name}  ${entry.where}`,
      ),
    '',
    'Self time by place:',
    ...places
      .slice(0, 15)
      .map(
        (entry) => `     ${entry.selfMs.toFixed(0).padStart(7)} ms ${percent(entry.share)}  ${entry.name}`,
      ),
  ];
  // Native frames say little alone: show who calls the heaviest ones.
  for (const entry of functions
    .filter((candidate) => !candidate.where && !candidate.name.startsWith('('))
    .slice(0, 3)) {
    lines.push('', `Callers of ${entry.name} (8 frames up):`);
    for (const caller of callersOf(profile, entry.name, 8).slice(0, 6))
      lines.push(`     ${caller.selfMs.toFixed(0).padStart(7)} ms  ${caller.name}`);
  }
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [file, count] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('Usage: npx tsx bench/profile-summary.ts <file.cpuprofile> [count]\n');
    process.exit(2);
  }
  process.stdout.write(`${renderProfileSummary(file, count ? Number(count) : 25)}\n`);
}

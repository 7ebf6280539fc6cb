/**
 * What a benchmark pass cost, beyond wall time: the main thread's CPU by kind of work (a sampling
 * profile, categorised by the file each sample's function lives in) and the CPU of the browser's
 * processes (read from /proc: they are not in process.cpuUsage()).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

const CATEGORIES: [string, RegExp][] = [
  ['storing (database, archive)', /\/src\/archive\/|drizzle-orm|@electric-sql\/pglite|\/postgres\//],
  ['extracting (on this thread)', /\/src\/extract\/|linkedom|readability|unpdf|htmlparser2/],
  ['states and flags', /\/src\/(states|diff|flags|watch)\//],
  ['rendering (Playwright client)', /playwright/],
  ['fetching (crawlee, got, sockets)', /@crawlee|got|\/src\/crawl\/|node:(internal\/)?(net|http|stream|tls|dns)|_http_|internal\/streams/],
];

type Node = { id: number; callFrame: { url: string; functionName: string }; children?: number[] };

/** Main-thread CPU seconds per category, from a V8 sampling profile. */
export async function profileMainThread(): Promise<{ stop(): Promise<Map<string, number>> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 4000 });
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = (await session.post('Profiler.stop')) as { profile: { nodes: Node[]; samples: number[]; timeDeltas: number[] } };
      session.disconnect();
      const byId = new Map(profile.nodes.map((n) => [n.id, n]));
      const parentOf = new Map(profile.nodes.flatMap((n) => (n.children ?? []).map((c) => [c, n] as const)));
      // A native function (no file) is named with the nearest caller that has one: who wrote to that socket.
      const caller = (id: number): string => {
        for (let n = parentOf.get(id); n; n = parentOf.get(n.id))
          if (n.callFrame.url) return ` ← ${n.callFrame.functionName || '(anonymous)'} ${short(n.callFrame.url)}`;
        return '';
      };
      const out = new Map<string, number>();
      const others = new Map<string, number>();
      profile.samples.forEach((id, i) => {
        const { url, functionName } = byId.get(id)!.callFrame;
        // Node does not tell V8 when it idles: waiting in the event loop shows as (program), with (idle) and (root).
        const kind = /^\((idle|program|root)\)$/.test(functionName)
          ? 'idle'
          : functionName === '(garbage collector)'
            ? 'garbage collection'
            : (CATEGORIES.find(([, re]) => re.test(url))?.[0] ?? 'other JavaScript');
        const seconds = (profile.timeDeltas[i] ?? 0) / 1e6;
        out.set(kind, (out.get(kind) ?? 0) + seconds);
        const where = `${functionName || '(anonymous)'} ${url ? short(url) : caller(id)}`;
        if (kind === 'other JavaScript') others.set(where, (others.get(where) ?? 0) + seconds);
      });
      // BENCH_PROFILE_TOP=n: the n functions "other JavaScript" spent most in, for finding what to categorise or speed up.
      const top = Number(process.env.BENCH_PROFILE_TOP ?? 0);
      for (const [where, seconds] of [...others].sort((a, b) => b[1] - a[1]).slice(0, top))
        console.log(`  other JavaScript  ${seconds.toFixed(1).padStart(6)} s  ${where}`);
      return out;
    },
  };
}

const short = (url: string) => url.replace(/^.*\/node_modules\//, '').replace(/^file:\/\/.*\/(src|bench)\//, '$1/');

const TICK = 100; // USER_HZ on Linux

/**
 * The /proc/<pid>/stat fields (after the command name) of each live process below `root`. Field 1 is
 * the parent, 11–14 utime, stime, cutime, cstime (in ticks), 21 the resident pages.
 */
export function descendantStats(root: number): Map<number, string[]> {
  const parent = new Map<number, number>();
  const fields = new Map<number, string[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(name), Number(f[1]));
      fields.set(Number(name), f);
    } catch {
      // gone between the listing and the read
    }
  }
  const below = (pid: number): boolean => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) if (p === root) return true;
    return false;
  };
  return new Map([...fields].filter(([pid]) => below(pid)));
}

/** utime+stime+cutime+cstime of each live process below `root`, in seconds. */
function descendantsCpu(root: number): Map<number, number> {
  return new Map(
    [...descendantStats(root)].map(([pid, f]) => [pid, (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / TICK]),
  );
}

/**
 * Polls the CPU of this process's descendants (Chromium and its helpers). A process that exits is
 * counted in its parent's cutime once reaped, so the sum over the live ones at the last poll is the
 * total; the last poll should come before the browser closes (its own time goes to our cutime).
 */
export function watchChildrenCpu(everyMs = 1000): { stop(): number; peak(): number } {
  let last = 0;
  let peak = 0;
  const poll = () => {
    const now = descendantsCpu(process.pid);
    const total = [...now.values()].reduce((a, b) => a + b, 0);
    last = Math.max(last, total);
    peak = Math.max(peak, now.size);
  };
  const timer = setInterval(poll, everyMs);
  return { stop: () => (clearInterval(timer), last), peak: () => peak };
}

/**
 * CPU seconds of this process's main thread alone (its /proc task: utime + stime). The event loop's
 * utilization is no CPU measure: it also counts the time the thread was runnable but not running.
 */
export function mainThreadCpu(): number {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / TICK;
}

/** Busy and total ticks of the whole machine so far (/proc/stat's first line: idle and iowait are not busy). */
function machineTicks(): { busy: number; total: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - f[3] - f[4], total };
}

/**
 * The machine's cores busy in each interval of a pass (nothing else runs during a benchmark, so
 * they are the pass's): where a pass left a core idle, which one average figure hides.
 */
export function watchMachineBusy(everyMs = 10_000): { stop(): number[] } {
  const cores = readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .filter((l) => /^cpu\d/.test(l)).length;
  const busy: number[] = [];
  let last = machineTicks();
  const sample = () => {
    const now = machineTicks();
    if (now.total > last.total) busy.push(((now.busy - last.busy) / (now.total - last.total)) * cores);
    last = now;
  };
  const timer = setInterval(sample, everyMs);
  return { stop: () => (clearInterval(timer), sample(), busy) };
}

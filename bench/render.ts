/**
 * Chromium's CPU per rendered page, by process type: renders of a light script-built page spread
 * over many hosts, a few at once in kept render slots, the way a pass interleaves its hosts.
 * Chromium's CPU is read from /proc, reaped renderers through the zygote's children's time.
 * Usage: npm run bench:render -- [hosts=40] [pagesPerHost=2] [slots=4] [--isolated]   (--isolated: one renderer process per site)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createBrowserRenderer } from '../src/crawl/browserRenderer.js';
import { startSimWeb, type WebSpec } from '../src/simweb/index.js';
import { describeMachine } from './machine.js';

const args = process.argv.slice(2);
const [HOSTS = 40, PER_HOST = 2, SLOTS = 4] = args.filter((a) => !a.startsWith('--')).map(Number);
const SHARED = !args.includes('--isolated');

/** CPU ms so far of every Chromium process, by its type (browser, renderer, zygote: renderers that ended, gpu-process, utility services). */
function chromiumCpuByType(): Record<string, number> {
  const byType: Record<string, number> = {};
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      // A zygote's children rewrite their command line into one string: split on spaces as well.
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/\0| /);
      if (!/chromium/.test(argv[0] ?? '')) continue;
      const flag = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
      const type = (flag('type') ?? 'browser') + (flag('utility-sub-type') ? `:${flag('utility-sub-type')?.split('.').pop()}` : '');
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      byType[type] = (byType[type] ?? 0) + (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * 10;
    } catch {
      // The process ended while being read.
    }
  }
  return byType;
}

const spec: WebSpec = { hosts: {} };
for (let h = 0; h < HOSTS; h++) {
  const pages: WebSpec['hosts'][string]['pages'] = {};
  for (let p = 0; p < PER_HOST; p++)
    pages[`/story/${p}`] = {
      kind: 'article',
      template: 'script',
      article: {
        headline: `Story ${h}.${p}`,
        byline: 'A Writer',
        published: '2024-05-02',
        paragraphs: ['Only a browser can read this sentence.'],
      },
    };
  spec.hosts[`h${h}.render`] = { pages };
}
const web = await startSimWeb(spec);
const renderer = createBrowserRenderer({
  executable: '/usr/bin/chromium',
  resolver: async (name) => Promise.reject(new Error(`no DNS here: ${name}`)),
  allowPrivateNetwork: true,
  userAgent: 'citewatch-bench',
  timeoutMs: 20_000,
  readTimeoutMs: 10_000,
  acquire: async () => () => {},
  slots: SLOTS,
  sharedRenderers: SHARED,
});
console.log(describeMachine());
// The browser's start is not a render's cost.
await renderer.render({ url: web.url('h0.render', '/story/0'), screenshot: false });
const urls: string[] = [];
for (let p = 0; p < PER_HOST; p++) for (let h = 0; h < HOSTS; h++) urls.push(web.url(`h${h}.render`, `/story/${p}`));

const before = chromiumCpuByType();
const t0 = performance.now();
let next = 0;
let rendered = 0;
await Promise.all(
  Array.from({ length: SLOTS }, async () => {
    while (next < urls.length) {
      const result = await renderer.render({ url: urls[next++], screenshot: false });
      if (result.ok && result.html.includes('Only a browser')) rendered++;
    }
  }),
);
const wallMs = performance.now() - t0;
const after = chromiumCpuByType();
await renderer.close();
await web.close();

const perRender = (ms: number) => `${Math.round(ms / urls.length)} ms`;
const total = Object.keys(after).reduce((sum, type) => sum + after[type] - (before[type] ?? 0), 0);
console.log(
  `${urls.length} renders on ${HOSTS} hosts, ${SLOTS} at once, renderer processes ${SHARED ? 'shared between sites' : 'one per site'}: ${rendered} rendered, ${(wallMs / 1000).toFixed(1)} s`,
);
console.log(`Chromium CPU per render: ${perRender(total)}`);
for (const type of Object.keys(after).sort()) console.log(`  ${type.padEnd(24)} ${perRender(after[type] - (before[type] ?? 0))}`);

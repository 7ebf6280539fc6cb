import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright';

/**
 * How Chromium is started: page JavaScript is the least trusted code citewatch runs, so it runs in
 * Chromium's own sandbox where the kernel allows it (unprivileged user namespaces), and never as root:
 * as root, Chromium refuses its sandbox, so a small wrapper drops to `nobody` first.
 */

/** Debian's Chromium, quiet: no phoning home, no updates, no QUIC (our proxy speaks TCP), no WebRTC UDP. */
export const CHROMIUM_ARGS = [
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-breakpad',
  // WebRTC could otherwise send UDP (STUN) straight to any address, around the proxy.
  '--force-webrtc-ip-handling-policy=disable_non_proxied_udp',
  '--webrtc-ip-handling-policy=disable_non_proxied_udp',
];

export type IsolationPlan = { asNobody: boolean; sandbox: boolean };

/** What to try, best first. Pure. As root without a way to drop privileges there is nothing safe to try. */
export function isolationPlans(uid: number, canDropPrivileges: boolean): IsolationPlan[] {
  if (uid !== 0)
    return [
      { asNobody: false, sandbox: true },
      { asNobody: false, sandbox: false },
    ];
  if (!canDropPrivileges) return [];
  return [
    { asNobody: true, sandbox: true },
    { asNobody: true, sandbox: false },
  ];
}

export function describeIsolation(plan: IsolationPlan): string {
  return `${plan.sandbox ? 'Chromium sandbox' : 'no Chromium sandbox (the kernel refused it)'}, as ${plan.asNobody ? 'nobody (uid 65534)' : `uid ${process.getuid?.() ?? '?'}`}`;
}

const SETPRIV = '/usr/bin/setpriv';
const NOBODY = 65534;
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Chromium's niceness: its renders yield a busy core to the crawl's own thread, which starts every
 * host's next request on time (on 2 cores a render at equal priority made the busiest host's
 * requests start late; docs/benchmarks.md, "fifth session"). Renders still get every idle cycle.
 * Playwright starts the browser in a session of its own, and where the kernel groups each session's
 * processes (autogroup, on by default in many distributions) a process's niceness counts only
 * within its group while the groups share the cores equally: the browser's whole group is niced
 * too (/proc/self/autogroup), or its renders take a core's share from the crawl whatever its
 * processes' niceness (the 200 ms pass: 94.8–96.1 s against 106.3–110.0 s; "ninth session").
 */
export const BROWSER_NICE = 10;

/**
 * A wrapper Playwright starts instead of Chromium: at a lower priority (BROWSER_NICE, inherited by
 * every process Chromium starts, and for its session's autogroup where there is one); as root, it
 * also hands Playwright's fresh profile directory to nobody (the only place the browser may write),
 * then drops every privilege before it execs Chromium.
 */
function launchWrapper(executable: string, asNobody: boolean): { path: string; dir: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'citewatch-chromium-'));
  const file = path.join(dir, asNobody ? 'chromium-as-nobody' : 'chromium-niced');
  const nobody = `for a in "$@"; do
  case "$a" in --user-data-dir=*) profile="\${a#--user-data-dir=}"; chown -R ${NOBODY}:${NOBODY} "$profile" ;; esac
done
[ -n "$profile" ] || exit 97
export HOME="$profile" XDG_CONFIG_HOME="$profile/.config" XDG_CACHE_HOME="$profile/.cache" TMPDIR="$profile"
`;
  const drop = `${SETPRIV} --reuid=${NOBODY} --regid=${NOBODY} --clear-groups --inh-caps=-all --bounding-set=-all -- `;
  writeFileSync(
    file,
    `#!/bin/sh
{ echo ${BROWSER_NICE} > /proc/self/autogroup; } 2>/dev/null
${asNobody ? nobody : ''}exec nice -n ${BROWSER_NICE} ${asNobody ? drop : ''}${quote(executable)} "$@"
`,
  );
  chmodSync(file, 0o700);
  return { path: file, dir };
}

/**
 * How pages share renderer processes. Chromium's default (site isolation) gives every site a process
 * of its own, so a kept page that goes on to another host starts a new renderer: about 100 ms of
 * CPU per render, a quarter of a render's cost (docs/benchmarks.md). Shared, a render slot's page
 * goes to any host in one of at most `slots` processes. Every render is still sandboxed, its context
 * its own and wiped after it (browserLane.ts), its traffic through the proxy; what a page's process
 * can then hold of another site is another public page being archived. `browserSharedRenderers:
 * false` keeps one process per site.
 */
export function rendererArgs(shared: boolean, slots: number): string[] {
  return shared ? ['--disable-site-isolation-trials', `--renderer-process-limit=${slots}`] : [];
}

/** Launches Chromium as isolated as this machine allows, all its traffic sent to `proxyServer`. */
export async function launchIsolated(
  executable: string,
  proxyServer: string,
  extraArgs: string[] = [],
): Promise<{ browser: Browser; isolation: string; cleanup(): void }> {
  const plans = isolationPlans(process.getuid?.() ?? 0, existsSync(SETPRIV));
  if (plans.length === 0) throw new Error(`refusing to run Chromium as root without ${SETPRIV} to drop privileges`);
  const errors: string[] = [];
  for (const plan of plans) {
    const wrapper = launchWrapper(executable, plan.asNobody);
    const cleanup = () => rmSync(wrapper.dir, { recursive: true, force: true });
    try {
      const browser = await chromium.launch({
        executablePath: wrapper.path,
        headless: true,
        chromiumSandbox: plan.sandbox,
        // The default context goes to the proxy too, where it has no credentials and reaches nothing;
        // Playwright adds <-loopback> to the bypass list, so loopback is proxied, not bypassed.
        proxy: { server: proxyServer },
        args: [...CHROMIUM_ARGS, ...extraArgs, `--proxy-server=${proxyServer}`, '--proxy-bypass-list=<-loopback>'],
        timeout: 30_000,
      });
      return { browser, isolation: describeIsolation(plan), cleanup };
    } catch (err) {
      cleanup();
      errors.push(`${describeIsolation(plan)}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  throw new Error(`Chromium did not start: ${errors.join('; ')}`);
}

/**
 * Starts the labelled simulated web by hand: `npx tsx src/simweb/serve.ts [perLabel] [seed]`.
 * Prints a few URLs per label; type `1` + Enter to switch to round 1, `0` for round 0, Ctrl-C to stop.
 */
import { createInterface } from 'node:readline';
import { buildLabelledWeb, LABELS } from './labelled.js';
import { startSimWeb } from './server.js';

const perLabel = Number(process.argv[2] ?? 1);
const seed = Number(process.argv[3] ?? 1);
const { spec, cases } = buildLabelledWeb({ perLabel, seed });
const web = await startSimWeb(spec);

console.log(`simulated web: ${web.hosts.length} hosts on 127.x.y.z, port ${web.port}, ${cases.length} labelled cases, round ${web.round}`);
for (const label of LABELS) {
  const c = cases.find((x) => x.label === label);
  if (c) console.log(`  ${label.padEnd(20)} ${c.template.padEnd(12)} ${c.url}`);
}
console.log(`  home page of ${web.hosts[0]}: ${web.url(web.hosts[0], '/')}`);
console.log(`  connection refused: ${web.refusedUrl('/')}`);
console.log('type 0 or 1 + Enter to switch rounds, Ctrl-C to stop');

const input = createInterface({ input: process.stdin });
input.on('line', (line) => {
  const n = Number(line.trim());
  if (Number.isInteger(n) && n >= 0) {
    web.setRound(n);
    console.log(`round ${n} (${web.log.length} requests so far)`);
  }
});
const stop = (): void => {
  input.close();
  void web.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

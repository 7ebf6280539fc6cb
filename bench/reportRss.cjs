// Preloaded into a benchmarked citewatch (node --require): on exit, writes the process's peak RSS
// in KiB to $CITEWATCH_BENCH_RSS_FILE, since a parent cannot read a child's rusage from Node.
const { writeFileSync } = require('node:fs');
process.on('exit', () => writeFileSync(process.env.CITEWATCH_BENCH_RSS_FILE, String(process.resourceUsage().maxRSS)));

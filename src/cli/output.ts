/** How a command talks to people (aligned tables) or machines (one JSON document). */
export type Output = {
  json: boolean;
  /** Whether stderr is a terminal, so progress bars and colour make sense. */
  interactive: boolean;
  out(text: string): void;
  err(text: string): void;
  printJson(value: unknown): void;
};

export function createOutput(json: boolean, streams = { stdout: process.stdout, stderr: process.stderr }): Output {
  return {
    json,
    interactive: Boolean(streams.stderr.isTTY) && !json,
    out: (text) => {
      streams.stdout.write(text.endsWith('\n') ? text : text + '\n');
    },
    err: (text) => {
      streams.stderr.write(text.endsWith('\n') ? text : text + '\n');
    },
    printJson: (value) => {
      streams.stdout.write(JSON.stringify(value, null, 2) + '\n');
    },
  };
}

/** Columns padded to their widest cell; numbers right-aligned. */
export function formatTable(headers: string[], rows: (string | number | null | undefined)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === null || c === undefined ? '' : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => r[i] === null || r[i] === undefined || typeof r[i] === 'number'));
  return cells
    .map((r) => r.map((c, i) => (numeric[i] ? (c ?? '').padStart(widths[i]) : (c ?? '').padEnd(widths[i]))).join('  ').trimEnd())
    .join('\n');
}

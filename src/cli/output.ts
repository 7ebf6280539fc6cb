/** How a command talks to people (aligned tables) or machines (one JSON document). */
export type Output = {
  json: boolean;
  /** Whether stderr is a terminal, so progress bars and colour make sense. */
  interactive: boolean;
  out(text: string): void;
  /** out() for text that carries the diff renderer's styles (its own text already escaped by it). */
  outStyled(text: string): void;
  err(text: string): void;
  printJson(value: unknown): void;
};

/**
 * Everything printed for people passes here: page titles, event titles, URLs and reasons come from
 * pages and files anyone controls, and a control character in them drives the terminal (ESC]0;…BEL
 * retitles it, ESC[2J clears it, CR overwrites a line). C0 controls, DEL and C1 controls are shown
 * as visible escapes (\x1b); newline and tab are kept unless `inline` (a table cell). JSON output is
 * left alone: JSON.stringify escapes them already.
 */
export function printable(text: string, { inline = false } = {}): string {
  return text.replace(inline ? CONTROL_INLINE : CONTROL, (c) => '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0'));
}

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
const CONTROL_INLINE = /[\u0000-\u001f\u007f-\u009f]/g;
/**
 * The only escape sequences outStyled lets through: the styles src/diff/render.ts adds around page
 * text it has escaped with printable(). Colour and weight only: no cursor, no OSC, no hiding.
 */
const OWN_STYLE = /\u001b\[(?:0|1|2|9|31|32)m/g;
/** A message embedding a database error carries its parameters (megabytes of gzip): stderr gets the start. */
const MAX_ERR_CHARS = 4000;

function printableStyled(text: string): string {
  let out = '';
  let at = 0;
  for (const m of text.matchAll(OWN_STYLE)) {
    out += printable(text.slice(at, m.index)) + m[0];
    at = m.index + m[0].length;
  }
  return out + printable(text.slice(at));
}

function line(stream: NodeJS.WritableStream, text: string): void {
  stream.write(text.endsWith('\n') ? text : text + '\n');
}

function capped(text: string): string {
  return text.length <= MAX_ERR_CHARS ? text : `${text.slice(0, MAX_ERR_CHARS)}… (${text.length - MAX_ERR_CHARS} more characters cut)`;
}

export function createOutput(json: boolean, streams = { stdout: process.stdout, stderr: process.stderr }): Output {
  return {
    json,
    interactive: Boolean(streams.stderr.isTTY) && !json,
    out: (text) => line(streams.stdout, printable(text)),
    outStyled: (text) => line(streams.stdout, printableStyled(text)),
    err: (text) => line(streams.stderr, printable(capped(text))),
    printJson: (value) => {
      streams.stdout.write(JSON.stringify(value, null, 2) + '\n');
    },
  };
}

/** Columns padded to their widest cell; numbers right-aligned. A cell is one line: controls escaped. */
export function formatTable(headers: string[], rows: (string | number | null | undefined)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === null || c === undefined ? '' : printable(String(c), { inline: true }))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const numeric = headers.map(
    (_, i) => rows.length > 0 && rows.every((r) => r[i] === null || r[i] === undefined || typeof r[i] === 'number'),
  );
  return cells
    .map((r) =>
      r
        .map((c, i) => (numeric[i] ? (c ?? '').padStart(widths[i]) : (c ?? '').padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

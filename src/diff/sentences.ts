/** Sentences of comparable paragraphs: re-paragraphing (a redesign) does not move sentence boundaries. */
export function splitSentences(paragraphs: string[]): string[] {
  return paragraphs.flatMap((p) => p.split(/(?<=[.!?]["')\]]?)\s+(?=["'([]?[\p{Lu}\p{N}])/u)).filter(Boolean);
}

/** Words and numbers of a sentence; "$400,000" gives "$" and "400,000" so the figure is one token. */
export function tokens(sentence: string): string[] {
  return sentence.match(/[\p{L}\p{N}]+(?:[.,'/:-][\p{L}\p{N}]+)*|[$€£¥%]/gu) ?? [];
}

export function wordCountOf(texts: string[]): number {
  return texts.reduce((n, t) => n + tokens(t).length, 0);
}

/** Share of tokens two sentences have in common (multiset overlap over the longer one). */
export function similarity(a: string[], b: string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const t of a) counts.set(t.toLowerCase(), (counts.get(t.toLowerCase()) ?? 0) + 1);
  let common = 0;
  for (const t of b) {
    const key = t.toLowerCase();
    const n = counts.get(key) ?? 0;
    if (n > 0) {
      common++;
      counts.set(key, n - 1);
    }
  }
  return common / Math.max(a.length, b.length);
}

import type { ChangeKind, Edit } from './classifyChange.js';

export type SummaryFacts = { edits: Edit[]; before: string; after: string; added: string[]; removed: string[]; keptShare: number };

function quote(text: string, max = 90): string {
  const t = text.length > max ? `${text.slice(0, max - 1)}…` : text;
  return `"${t}"`;
}

function firstEdit(facts: SummaryFacts, kind: ChangeKind): string {
  const edit = facts.edits.find((e) => e.kind === kind);
  if (!edit) return '';
  const from = edit.removedWords.join(' ') || '(nothing)';
  const to = edit.addedWords.join(' ') || '(nothing)';
  return `${quote(from, 40)} → ${quote(to, 40)} in ${quote(edit.after)}`;
}

/** One human sentence for the editor, most significant kind first. */
export function describe(kinds: ChangeKind[], facts: SummaryFacts): string {
  if (kinds.length === 0) return facts.added.length + facts.removed.length ? 'Only page furniture changed.' : 'No change in the text.';
  const lead = kinds[0];
  const others = kinds.slice(1);
  const phrases: Record<ChangeKind, () => string> = {
    'story-replaced': () => `The page now carries a different text (${Math.round(facts.keptShare * 100)}% of the old text kept)`,
    number: () => `A figure changed: ${firstEdit(facts, 'number')}`,
    name: () => `A name changed: ${firstEdit(facts, 'name')}`,
    headline: () => `The headline changed from ${quote(facts.before)} to ${quote(facts.after)}`,
    correction: () =>
      `A correction was added: ${quote(facts.added.find((a) => /correct|clarif|editor|earlier version|regret/i.test(a)) ?? facts.added[0] ?? '')}`,
    'paragraph-removed': () => `Text was removed: ${quote(facts.removed[facts.removed.length - 1] ?? '')}`,
    'paragraph-added': () => `Text was added: ${quote(facts.added[facts.added.length - 1] ?? '')}`,
    'text-edit': () => `Wording changed: ${firstEdit(facts, 'text-edit')}`,
  };
  const tail = others.length ? ` (also: ${others.join(', ')})` : '';
  return `${phrases[lead]()}${tail}.`;
}

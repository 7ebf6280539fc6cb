import { describe, expect, it } from 'vitest';
import { mergeDuplicates } from '../src/ingest/merge.js';
import { parseTimelineFile } from '../src/ingest/parseFile.js';
import { planIngest, type CurrentState, type IngestScope } from '../src/ingest/plan.js';
import type { ParsedEvent } from '../src/ingest/types.js';

/** A parsed event through the real parser, so hashes and normalized URLs are the real ones. */
function event(file: string, id: string, fields: { title?: string; importance?: number; urls?: string[] } = {}): ParsedEvent {
  const record = {
    id,
    title: fields.title ?? `Title of ${id}`,
    importance: fields.importance ?? 5,
    sources: (fields.urls ?? []).map((url) => ({ url })),
  };
  const parsed = parseTimelineFile('/any.json', JSON.stringify(record));
  return { ...parsed.events[0], file };
}

function state(stored: { id: string; file: string; hash: string; removed?: boolean; cites?: [string, boolean][] }[] = []): CurrentState {
  return {
    events: new Map(stored.map((s) => [s.id, { contentHash: s.hash, sourcePath: s.file, removed: Boolean(s.removed) }])),
    citations: new Map(stored.map((s) => [s.id, new Map((s.cites ?? []).map(([url, detached]) => [url, { detached }]))])),
    sources: new Set(stored.flatMap((s) => (s.cites ?? []).map(([url]) => url))),
    spellings: new Set(),
  };
}

const scope = (roots: string[], protectedFiles: string[] = []): IngestScope => ({ roots, protectedFiles: new Set(protectedFiles) });

describe('mergeDuplicates', () => {
  it.each([
    ['identical Markdown and JSON: one event, no report', ['/d/e.json', '/d/e.md'], [{}, {}], '/d/e.md', 0],
    [
      'conflicting: Markdown wins over JSON, reported',
      ['/d/e.json', '/d/e.md'],
      [{ title: 'JSON says' }, { title: 'MD says' }],
      '/d/e.md',
      1,
    ],
    ['conflicting: YAML wins over JSON', ['/d/e.json', '/d/e.yaml'], [{ title: 'A' }, { title: 'B' }], '/d/e.yaml', 1],
    [
      'conflicting within one format: the path that sorts first wins',
      ['/d/b/e.md', '/d/a/e.md'],
      [{ title: 'A' }, { title: 'B' }],
      '/d/a/e.md',
      1,
    ],
  ])('%s', (_, files, fields, winner, conflicts) => {
    const copies = files.map((f, i) => event(f, 'e', fields[i]));
    const merged = mergeDuplicates(copies);
    expect(merged.events.map((e) => e.file)).toEqual([winner]);
    expect(merged.duplicated).toBe(1);
    expect(merged.rejections).toHaveLength(conflicts);
    if (conflicts) {
      const loser = files.find((f) => f !== winner)!;
      expect(merged.rejections[0]).toMatchObject({ kind: 'duplicate-conflict', file: loser, eventId: 'e' });
      expect(merged.rejections[0].reason).toContain(winner);
      expect(merged.rejections[0].reason).toContain('title');
    }
  });
});

describe('planIngest', () => {
  const u1 = 'https://one.example/a';
  const u2 = 'https://two.example/b';

  it('inserts new events, their sources and spellings', () => {
    const plan = planIngest([event('/d/a.md', 'a', { urls: [u1, u2] })], state(), scope(['/d']));
    expect(plan.insertEvents.map((e) => e.id)).toEqual(['a']);
    expect(plan.newSources.map((s) => s.url)).toEqual([u1, u2]);
    expect(plan.newSpellings).toHaveLength(2);
    expect(plan.citationsAttached).toBe(2);
  });

  it('does nothing for an unchanged event', () => {
    const e = event('/d/a.md', 'a', { urls: [u1] });
    const plan = planIngest([e], state([{ id: 'a', file: '/d/a.md', hash: e.contentHash, cites: [[u1, false]] }]), scope(['/d']));
    expect(plan).toMatchObject({
      insertEvents: [],
      updateEvents: [],
      removeEvents: [],
      upsertCitations: [],
      detachCitations: [],
      newSources: [],
      unchanged: 1,
    });
  });

  it.each([
    ['changed content', { hash: 'old' }, '/d/a.md', ['/d'], 1, 0],
    ['moved to another file in scope', { file: '/d/old.md' }, '/d/a.md', ['/d'], 1, 0],
    ['back after removal', { removed: true }, '/d/a.md', ['/d'], 1, 1],
    ['same content read from a lone duplicate file: stored file out of scope', { file: '/d/a.md' }, '/d/a.json', ['/d/a.json'], 0, 0],
  ])('update: %s', (_, stored, file, roots, updated, restored) => {
    const e = event(file, 'a', { urls: [u1] });
    const plan = planIngest([e], state([{ id: 'a', file: '/d/a.md', hash: e.contentHash, cites: [[u1, false]], ...stored }]), scope(roots));
    expect(plan.updateEvents).toHaveLength(updated);
    expect(plan.restored).toHaveLength(restored);
  });

  it('detaches a citation gone from an event and re-attaches one that came back', () => {
    const e = event('/d/a.md', 'a', { urls: [u1] });
    const plan = planIngest(
      [e],
      state([
        {
          id: 'a',
          file: '/d/a.md',
          hash: 'old',
          cites: [
            [u1, true],
            [u2, false],
          ],
        },
      ]),
      scope(['/d']),
    );
    expect(plan.detachCitations).toEqual([{ eventId: 'a', sourceUrl: u2 }]);
    expect(plan.citationsReattached).toBe(1);
    expect(plan.upsertCitations.map((c) => c.citation.normalizedUrl)).toEqual([u1]);
  });

  it.each([
    ['file gone from an ingested directory', '/d/gone.md', ['/d'], [], ['gone']],
    ['file outside the paths ingested', '/other/gone.md', ['/d'], [], []],
    ['only one file ingested: others stay', '/d/gone.md', ['/d/a.md'], [], []],
    ['the file is there but does not parse', '/d/gone.md', ['/d'], ['/d/gone.md'], []],
    ['a directory with a similar name prefix', '/d2/gone.md', ['/d'], [], []],
  ])('removal: %s', (_, storedFile, roots, protectedFiles, removed) => {
    const e = event('/d/a.md', 'a');
    const current = state([
      { id: 'a', file: '/d/a.md', hash: e.contentHash },
      { id: 'gone', file: storedFile, hash: 'h', cites: [[u1, false]] },
    ]);
    const plan = planIngest([e], current, scope(roots, protectedFiles));
    expect(plan.removeEvents).toEqual(removed);
    expect(plan.detachCitations).toEqual(removed.map((id) => ({ eventId: id, sourceUrl: u1 })));
  });

  it('does not remove an event already marked removed again', () => {
    const plan = planIngest([], state([{ id: 'x', file: '/d/x.md', hash: 'h', removed: true }]), scope(['/d']));
    expect(plan.removeEvents).toEqual([]);
  });
});

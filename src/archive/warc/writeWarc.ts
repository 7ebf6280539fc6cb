import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { HeadersMultiMap, StatusAndHeaders, WARC_1_1, WARCRecord, WARCSerializer, type WARCRecordOpts } from 'warcio';
import type { Queryable } from '../../db/open.js';
import type { HeaderList } from './exchange.js';
import { planRecords, type RecordPlan } from './plan.js';
import { capturePage, snapshotBody, type ExportFilter } from './queries.js';

export type WarcExportOptions = {
  /** The file name the warcinfo record gives (the basename of -o). */
  filename: string;
  software: string;
  /** What the export was asked for, recorded in the warcinfo record. */
  description: string;
  /** Captures read per query. */
  pageSize?: number;
  signal?: AbortSignal;
};

export type WarcExportSummary = { captures: number; records: Record<string, number>; bytes: number };

/** Payload digests as citewatch and the WARC convention write them: sha256, base32. */
const SERIALIZE = { gzip: true, digest: { algo: 'sha-256', prefix: 'sha256:', base32: true } } as const;

/**
 * A header map that writes its lines exactly in the order and spelling given, repeats interleaved
 * as they came: warcio's own map groups repeated names together on output.
 */
class OrderedHeaders extends HeadersMultiMap {
  constructor(private readonly list: HeaderList) {
    super(list);
  }
  *[Symbol.iterator](): IterableIterator<[string, string]> {
    yield* this.list;
  }
}

/**
 * Writes the captures the filter selects as WARC 1.1, one gzip member per record, to `out`: a
 * warcinfo record, then each capture's records as plan.ts decides. Captures are read a page at a
 * time and bodies one at a time, and each record is written (waiting for the stream to drain) before
 * the next is made, so memory stays flat however large the archive. Stops early on `signal`.
 */
export async function exportWarc(
  db: Queryable,
  filter: ExportFilter,
  out: Writable,
  options: WarcExportOptions,
): Promise<WarcExportSummary> {
  const summary: WarcExportSummary = { captures: 0, records: {}, bytes: 0 };
  // A stream that fails (disk full, a closed pipe) fails the export at its next write, not the process.
  let failure: Error | null = null;
  const onError = (error: Error) => void (failure ??= error);
  out.on('error', onError);
  const emit = async (record: WARCRecord) => {
    for await (const chunk of new WARCSerializer(record, SERIALIZE)) {
      if (failure) throw failure;
      summary.bytes += chunk.length;
      if (!out.write(chunk)) await once(out, 'drain');
    }
    const type = record.warcType ?? 'unknown';
    summary.records[type] = (summary.records[type] ?? 0) + 1;
  };
  await emit(
    WARCRecord.createWARCInfo(
      { filename: options.filename, warcVersion: WARC_1_1 },
      {
        software: options.software,
        format: 'WARC File Format 1.1',
        conformsTo: 'https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/',
        description: options.description,
      },
    ),
  );
  try {
    for (let after = 0; !options.signal?.aborted; ) {
      const page = await capturePage(db, filter, after, options.pageSize ?? 200);
      if (page.length === 0) break;
      for (const capture of page) {
        if (options.signal?.aborted) break;
        for (const plan of planRecords(capture)) await emit(await toRecord(db, plan));
        summary.captures++;
      }
      after = page[page.length - 1].id;
    }
    if (failure) throw failure;
    return summary;
  } finally {
    out.off('error', onError);
  }
}

async function toRecord(db: Queryable, plan: RecordPlan): Promise<WARCRecord> {
  const base: WARCRecordOpts = {
    url: plan.url,
    date: plan.date.toISOString(),
    type: plan.type,
    warcVersion: WARC_1_1,
    warcHeaders: [['WARC-Record-ID', plan.id], ...plan.warcHeaders],
  };
  if (plan.type === 'metadata') {
    const text = plan.fields.map(([k, v]) => `${k}: ${v}\r\n`).join('');
    return WARCRecord.create(base, [new TextEncoder().encode(text)]);
  }
  const payload = plan.type === 'response' ? [await snapshotBody(db, plan.snapshotId)] : [];
  const record = WARCRecord.create(
    plan.type === 'revisit' && plan.refersTo
      ? { ...base, refersToUrl: plan.refersTo.url, refersToDate: plan.refersTo.date.toISOString() }
      : base,
    payload,
  );
  record.httpHeaders = new StatusAndHeaders({ statusline: plan.statusline, headers: new OrderedHeaders(plan.httpHeaders) });
  return record;
}

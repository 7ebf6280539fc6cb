import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { eq, inArray } from 'drizzle-orm';
import type { Config } from '../config/loadConfig.js';
import type { Resolver } from '../crawl/resolveTarget.js';
import type { Db } from '../db/open.js';
import { citations, sources } from '../db/schema/index.js';
import { listFlags } from '../flags/listFlags.js';
import { ingestPaths, type IngestReport } from '../ingest/index.js';
import { buildLabelledWeb, SIMULATED_WEB_RANGE, startSimWeb } from '../simweb/index.js';
import { runPass, type PassSummary } from '../watch/runPass.js';
import { scoreOutcomes, type CaseOutcome, type Score } from './score.js';
import { labelledTimeline } from './timeline.js';

export type EvaluationOptions = {
  db: Db;
  config: Config;
  /** Cases per label (21 labels). */
  perLabel: number;
  seed: number;
  signal?: AbortSignal;
  /** Gap between two requests to one simulated host (default 50 ms). */
  hostDelayMs?: number;
  /** DNS for names; the labelled web is all IP URLs, so tests pass one that refuses. */
  resolver?: Resolver;
};

export type EvaluationReport = Score & {
  perLabel: number;
  seed: number;
  hosts: number;
  outcomes: CaseOutcome[];
  ingest: Pick<IngestReport, 'events' | 'sources' | 'rejections'>;
  passes: { round: number; summary: PassSummary }[];
  /** Everything, from building the web to reading the verdicts. */
  wallMs: number;
  /** The three crawl passes, state derivation and flagging included. */
  crawlMs: number;
  /** Stopped by the signal before the three passes were done: the scores are then not meaningful. */
  interrupted: boolean;
};

/**
 * The detection evaluation: the labelled web is started, its cases become a timeline that goes through
 * the real ingest, the pipeline crawls round 0, the web switches to its labelled second versions, the
 * pipeline crawls twice more (vanishing needs two confirming checks), and each source's state, reason
 * and flag are compared with its label. Uses the database it is given, which should start empty.
 */
export async function evaluateLabelledWeb(options: EvaluationOptions): Promise<EvaluationReport> {
  const started = performance.now();
  const { db, perLabel, seed, signal, resolver } = options;
  // The simulated web lives on 127.x.y.z, which a real crawl refuses: allowed for this run only.
  const config: Config = { ...options.config, allowPrivateNetwork: [SIMULATED_WEB_RANGE], hostDelayMs: options.hostDelayMs ?? 50 };
  const { spec, cases } = buildLabelledWeb({ perLabel, seed });
  const web = await startSimWeb(spec);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'citewatch-labelled-'));
  try {
    const files = labelledTimeline(spec, cases, (c) => c.url);
    for (const f of files) await writeFile(path.join(dir, f.name), f.text);
    const ingest = await ingestPaths(db, [dir], { signal });
    if (ingest.rejections.length > 0) {
      throw new Error(
        `labelled timeline: the ingest refused ${ingest.rejections.length} entries, first: ${ingest.rejections[0].file}: ${ingest.rejections[0].reason}`,
      );
    }
    const passes: EvaluationReport['passes'] = [];
    const crawlStarted = performance.now();
    const crawl = async () => {
      if (signal?.aborted) return;
      passes.push({ round: web.round, summary: await runPass({ db, config, signal, resolver }, { all: true }) });
    };
    await crawl();
    web.setRound(1);
    await crawl();
    await crawl();
    const crawlMs = performance.now() - crawlStarted;

    const verdicts = await verdictsByEvent(
      db,
      files.map((f) => f.eventId),
    );
    const flagged = new Set((await listFlags(db)).map((f) => f.eventId));
    const outcomes: CaseOutcome[] = cases.map((c, i) => {
      const eventId = files[i].eventId;
      const got = verdicts.get(eventId);
      if (!got) throw new Error(`labelled timeline: event ${eventId} has no source after the ingest`);
      return { label: c.label, url: c.url, expected: c.expected, got, flagged: flagged.has(eventId) };
    });
    const { events, sources: sourceCounts, rejections } = ingest;
    return {
      ...scoreOutcomes(outcomes),
      perLabel,
      seed,
      hosts: web.hosts.length,
      outcomes,
      ingest: { events, sources: sourceCounts, rejections },
      passes,
      wallMs: performance.now() - started,
      crawlMs,
      interrupted: Boolean(signal?.aborted),
    };
  } finally {
    await web.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The state and reason of the one source each event cites. */
async function verdictsByEvent(db: Db, eventIds: string[]): Promise<Map<string, { state: string; reason: string | null }>> {
  const rows = await db
    .select({ eventId: citations.eventId, state: sources.state, reason: sources.stateReason })
    .from(citations)
    .innerJoin(sources, eq(sources.id, citations.sourceId))
    .where(inArray(citations.eventId, eventIds));
  return new Map(rows.map((r) => [r.eventId, { state: r.state, reason: r.reason }]));
}

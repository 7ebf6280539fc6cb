import type { CaptureWriter } from '../archive/captureWriter.js';
import type { StoreBatch } from '../archive/captureWriter.js';
import type { AfterStore } from '../archive/storeCaptures.js';
import type { Config } from '../config/loadConfig.js';
import type { Db } from '../db/open.js';
import type { BrowserRenderer } from './browserRenderer.js';
import type { CrawlSummary } from './captureRecord.js';
import type { FetchDeps } from './fetchPage.js';
import type { RobotsCache } from './hostRules.js';
import type { Resolver } from './resolveTarget.js';
import type { RobotsRules } from './robots.js';
import type { RenderMode, RenderTally } from './renderMode.js';

export type CrawlProgress = { done: number; total: number; url: string; outcome: string };

/** What crawlSources needs from its caller. */
export type CrawlDeps = {
  db: Db;
  config: Config;
  signal?: AbortSignal;
  onProgress?(progress: CrawlProgress): void;
  /**
   * Runs in the transaction that stores each batch of captures. A crawl alone (tests, benchmarks)
   * leaves it out; the pass composer (src/watch) gives storeBatch instead.
   */
  afterStore?: AfterStore;
  /**
   * Stores each batch of captures, in place of storeCaptures with afterStore: the pass composer
   * stores and settles them (states, changes, flags) there, on the database's own thread if it has one.
   */
  storeBatch?: StoreBatch;
  /** DNS for host names; tests inject one so no real name is ever looked up. */
  resolver?: Resolver;
  /** Names this worker in leases and capture rows (default: hostname and pid). */
  workerId?: string;
  /**
   * The time of the archive and the schedule: which sources are due, when captures are made and next
   * checks fall (default the system clock). Benchmarks advance it over simulated weeks; politeness
   * (host delays, Retry-After waits, leases) keeps to real time.
   */
  now?: () => Date;
};

/** Everything one pass shares between its host loops. */
export type CrawlContext = {
  db: Db;
  config: Config;
  signal: AbortSignal;
  fetch: FetchDeps;
  renderer: BrowserRenderer;
  /** Archives attempts in batches: see createCaptureWriter. */
  writer: CaptureWriter;
  /** A capture could not be stored: the pass stops, and ends with this error once the rest is written. */
  onStoreFailure(error: unknown): void;
  workerId: string;
  now(): Date;
  screenshots: boolean;
  summary: CrawlSummary;
  total: number;
  onProgress?: CrawlDeps['onProgress'];
  /** Remembers when each host was last asked, written to hosts.last_request_at with the next capture. */
  noteRequests(ends: Map<string, number>): void;
  lastRequest(host: string): Date | undefined;
  /** robots.txt of every host the pass reaches, read once: see createRobotsCache. */
  robots: RobotsCache;
};

export type HostInfo = {
  host: string;
  robots: RobotsRules & { failure?: { errorKind: string; message: string } };
  /** Whether the host's pages go to the browser first, and what its pages taught this pass (renderMode.ts). */
  renderMode: RenderMode;
  renderTally: RenderTally;
};

import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from '../config/loadConfig.js';
import type { Db } from '../db/open.js';

/** What the web app needs, handed in by `citewatch serve` (or a test): it opens nothing itself. */
export type AppDeps = {
  db: Db;
  config: Config;
  /** The clock, so tests can move time (sessions, snoozes). */
  now?: () => Date;
};

/**
 * Builds the web app without listening: the review app for editors, the read-only API and Memento
 * for archivists. Every page and answer is rendered on the server.
 */
export async function createApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'self'"],
      },
    },
  });
  await app.register(formbody);
  await app.register(cookie);
  app.get('/healthz', async () => ({ ok: true, database: deps.db ? 'open' : 'closed' }));
  return app;
}

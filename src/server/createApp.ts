import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import Fastify, { type FastifyInstance } from 'fastify';
import { feedRoutes } from '../alerts/feedRoute.js';
import type { Config } from '../config/loadConfig.js';
import type { Db } from '../db/open.js';
import { apiPlugin } from './api/index.js';
import { mementoPlugin } from './memento/routes.js';
import { replayPlugin } from './replay/routes.js';
import { installSessions } from './auth/guards.js';
import { assetRoutes } from './routes/assets.js';
import { installErrorPages } from './routes/errors.js';
import { reviewRoutes } from './routes/review.js';
import { signInRoutes } from './routes/signIn.js';

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
  // Event ids are slugs of their titles (over 100 characters in the real timeline): fastify's default
  // limit of 100 would answer 414 for them.
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024, routerOptions: { maxParamLength: 1000 } });
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
  // Who is asking (session cookie) and the deps every plugin reads as app.citewatch; error pages.
  installSessions(app, deps);
  installErrorPages(app);
  await app.register(assetRoutes);
  await app.register(signInRoutes);
  await app.register(reviewRoutes);
  await app.register(apiPlugin);
  await app.register(mementoPlugin);
  await app.register(replayPlugin);
  await app.register(feedRoutes, { config: deps.config });
  app.get('/healthz', async () => ({ ok: true, database: deps.db ? 'open' : 'closed' }));
  return app;
}

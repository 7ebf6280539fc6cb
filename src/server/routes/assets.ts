import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { PACKAGE_ROOT } from '../../packageRoot.js';

/** The app's one stylesheet and one script, read once; served from the app itself (the CSP allows 'self' only). */
const ASSETS: Record<string, string> = { 'app.css': 'text/css; charset=utf-8', 'keys.js': 'text/javascript; charset=utf-8' };

export async function assetRoutes(app: FastifyInstance): Promise<void> {
  const dir = path.join(PACKAGE_ROOT, 'src/server/static');
  const bodies = new Map(Object.keys(ASSETS).map((name) => [name, readFileSync(path.join(dir, name))]));
  app.get<{ Params: { name: string } }>('/static/:name', async (request, reply) => {
    const body = bodies.get(request.params.name);
    if (!body) return reply.code(404).type('text/plain').send('not found');
    return reply.type(ASSETS[request.params.name]).header('cache-control', 'public, max-age=3600').send(body);
  });
}

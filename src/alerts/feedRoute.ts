import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/loadConfig.js';
import { readGuard } from '../server/auth/guards.js';
import { feedPath } from './send/atom.js';

/**
 * GET /feed/<name>.atom: an Atom channel's feed file, as the notify job last wrote it. Reading
 * follows readAccess like every page (feed readers send an API token, or the server is open).
 */
export async function feedRoutes(app: FastifyInstance, { config }: { config: Config }): Promise<void> {
  app.get<{ Params: { file: string } }>('/feed/:file', { onRequest: readGuard }, async (request, reply) => {
    const name = request.params.file.replace(/\.atom$/, '');
    const channel = config.channels.find((c) => c.type === 'atom' && c.name === name && request.params.file === `${name}.atom`);
    if (channel?.type !== 'atom') return reply.code(404).type('text/plain; charset=utf-8').send(`no Atom channel named ${name}\n`);
    const xml = await readFile(feedPath(config.home, channel)).catch(() => null);
    if (xml === null) return reply.code(404).type('text/plain; charset=utf-8').send(`the feed of ${name} has no entries yet\n`);
    return reply.type('application/atom+xml; charset=utf-8').send(xml);
  });
}

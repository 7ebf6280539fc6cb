import { InvalidArgumentError, type Command } from 'commander';
import type { ActionBinder } from './index.js';

export function registerServe(program: Command, bind: ActionBinder): void {
  const command = program
    .command('serve')
    .description('the web app: the review queue for editors, the read-only API and Memento for archivists, until Ctrl-C')
    .option('--port <n>', 'port to listen on (config serverPort, env CITEWATCH_SERVER_PORT; default 8080; 0 picks a free one)', parsePort)
    .option('--host <address>', 'address to listen on (config serverHost, env CITEWATCH_SERVER_HOST; default 127.0.0.1)');
  bind<{ port?: number; host?: string }>(command, (options) => ({
    flags: { serverPort: options.port, serverHost: options.host },
    run: async ({ database, output, signal, config }) => {
      const { createApp } = await import('../../server/createApp.js');
      const { db } = await database();
      const app = await createApp({ db, config });
      const address = await app.listen({ port: config.serverPort, host: config.serverHost });
      const { listUsers } = await import('../../server/auth/users.js');
      const editors = (await listUsers(db)).filter((u) => u.role !== 'viewer');
      output.out(`citewatch serve: listening on ${address} (reading: ${config.readAccess}); Ctrl-C stops`);
      if (editors.length === 0)
        output.err('citewatch serve: no editor account yet: stop, run `citewatch users add <name> --role editor`, start again');
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      await app.close();
      return 0;
    },
  }));
}

function parsePort(raw: string): number {
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new InvalidArgumentError(`a port is a number from 0 to 65535, got "${raw}"`);
  return port;
}

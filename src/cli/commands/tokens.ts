import type { Command } from 'commander';
import { formatTable } from '../output.js';
import type { ActionBinder } from './index.js';

export function registerTokens(program: Command, bind: ActionBinder): void {
  const tokens = program
    .command('tokens')
    .description('tokens for the read-only HTTP API (Authorization: Bearer <token>), when readAccess is signed-in');
  const add = tokens
    .command('add')
    .argument('<name>', 'who or what the token is for (a person, a script), unique')
    .description('make a token and print it once: only its hash is kept');
  bind(add, (_options, [name]) => ({
    run: async ({ database, output }) => {
      const { createToken } = await import('../../server/auth/apiTokens.js');
      const token = await createToken((await database()).db, name);
      if (output.json) return output.printJson({ name, token });
      output.out(token);
      output.err(`token "${name}" made; it is shown this once (send it as Authorization: Bearer <token>)`);
    },
  }));
  const list = tokens.command('list').description('every token: name, made, last used, revoked (never the token itself)');
  bind(list, () => ({
    run: async ({ database, output }) => {
      const { listTokens } = await import('../../server/auth/apiTokens.js');
      const rows = await listTokens((await database()).db);
      if (output.json) return output.printJson(rows);
      const time = (d: Date | null) => d?.toISOString().slice(0, 16) ?? '';
      output.out(
        formatTable(
          ['name', 'made', 'last used', 'revoked'],
          rows.map((r) => [r.name, time(r.createdAt), time(r.lastUsedAt), time(r.revokedAt)]),
        ),
      );
      output.out(`${rows.length} token(s)`);
    },
  }));
  const revoke = tokens.command('revoke').argument('<name>', 'the name given to `tokens add`').description('stop a token from working');
  bind(revoke, (_options, [name]) => ({
    run: async ({ database, output }) => {
      const { revokeToken } = await import('../../server/auth/apiTokens.js');
      await revokeToken((await database()).db, name);
      if (output.json) return output.printJson({ name, revoked: true });
      output.out(`token "${name}" revoked`);
    },
  }));
}

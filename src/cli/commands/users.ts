import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { formatTable } from '../output.js';
import type { ActionBinder } from './index.js';

export function registerUsers(program: Command, bind: ActionBinder): void {
  const users = program
    .command('users')
    .description('accounts of the web app (`citewatch serve`): viewers read, editors and admins decide');
  const add = users
    .command('add')
    .argument('<name>', 'the name to sign in with')
    .option('--role <role>', 'viewer, editor or admin', 'editor')
    .description('add an account; the password is asked for at a terminal, or read from the first line of stdin');
  bind<{ role: string }>(add, (options, [name]) => ({
    run: async ({ database, output }) => {
      const { addUser, parseRole } = await import('../../server/auth/users.js');
      const role = parseRole(options.role);
      const password = await readPassword(output.err);
      const { db } = await database();
      await addUser(db, name, role, password);
      if (output.json) return output.printJson({ name, role });
      output.out(`user ${name} added (${role})`);
    },
  }));
  bind(users.command('list').description('the accounts, by name'), () => ({
    run: async ({ database, output }) => {
      const { listUsers } = await import('../../server/auth/users.js');
      const { db } = await database();
      const list = await listUsers(db);
      if (output.json) return output.printJson(list);
      if (list.length === 0) return output.out('no users (add one: citewatch users add <name> --role editor)');
      output.out(
        formatTable(
          ['name', 'role', 'added'],
          list.map((u) => [u.name, u.role, u.createdAt.toISOString()]),
        ),
      );
    },
  }));
  const remove = users
    .command('remove')
    .argument('<name>', 'the account to remove')
    .description('remove an account and sign it out everywhere');
  bind(remove, (_options, [name]) => ({
    run: async ({ database, output }) => {
      const { removeUser } = await import('../../server/auth/users.js');
      const { db } = await database();
      await removeUser(db, name);
      if (output.json) return output.printJson({ name, removed: true });
      output.out(`user ${name} removed`);
    },
  }));
}

/** The new password: typed twice without echo at a terminal, else the first line of stdin. */
async function readPassword(say: (line: string) => void): Promise<string> {
  if (!process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0];
  }
  const first = await promptHidden('password: ');
  const second = await promptHidden('again: ');
  if (first !== second) throw new UsageError('the two passwords differ');
  say('');
  return first;
}

/** Reads one line from the terminal without echoing it. */
function promptHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const { stdin, stderr } = process;
    stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    let typed = '';
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      stderr.write('\n');
      if (err) reject(err);
      else resolve(typed);
    };
    const onData = (data: Buffer) => {
      for (const ch of data.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new UsageError('cancelled'));
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else typed += ch;
      }
    };
    stdin.on('data', onData);
  });
}

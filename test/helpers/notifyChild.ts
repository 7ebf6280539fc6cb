/**
 * One run of the notify job in a process of its own, for the crash test: it opens the database the
 * way the CLI does (DATABASE_URL, or the embedded one in CITEWATCH_HOME), runs the job once, prints
 * its summary as JSON and exits. `citewatch jobs run notify` does the same inside the service.
 */
import { runNotify } from '../../src/alerts/notify.js';
import { loadConfig } from '../../src/config/loadConfig.js';
import { openDatabase } from '../../src/db/open.js';

const config = loadConfig({ configFile: process.argv[2] });
const database = await openDatabase(config);
try {
  process.stdout.write(`${JSON.stringify(await runNotify({ db: database.db, config }))}\n`);
} finally {
  await database.close();
}

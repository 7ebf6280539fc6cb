/**
 * `npm run docs:config`: writes docs/configuration.md and the README's configuration table from the
 * settings' one definition (src/config/settings.ts). A test fails when either is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from '../packageRoot.js';
import { configReference, withReadmeTable } from './reference.js';

const root = PACKAGE_ROOT;
writeFileSync(path.join(root, 'docs/configuration.md'), configReference());
const readme = path.join(root, 'README.md');
writeFileSync(readme, withReadmeTable(readFileSync(readme, 'utf8')));
console.log('wrote docs/configuration.md and the configuration table of README.md');

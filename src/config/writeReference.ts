/**
 * `npm run docs:config`: writes docs/configuration.md from the settings' one definition
 * (src/config/settings.ts). A test fails when it is stale.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from '../packageRoot.js';
import { configReference } from './reference.js';

const root = PACKAGE_ROOT;
writeFileSync(path.join(root, 'docs/configuration.md'), configReference());
console.log('wrote docs/configuration.md');

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { openPostgres, wrapPglite } from '../../src/db/open.js';
import { databaseUrlFor } from './postgresUrl.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the migrated PGlite template's data directory dump lies (embedded runs). */
    pgliteTemplate: string;
    /** Name of the migrated template database on the server (TEST_DATABASE_URL runs). */
    postgresTemplate: string;
  }
}

/**
 * Migrates one template per run, so each test file gets a fresh database in a fraction of a second:
 * PGlite tests load a dump of the migrated data directory; PostgreSQL tests CREATE DATABASE ... TEMPLATE.
 */
export default async function setup(project: TestProject) {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) {
    const name = `citewatch_tpl_${process.pid}`;
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${name}`);
    await admin.unsafe(`create database ${name}`);
    const migrated = await openPostgres(databaseUrlFor(serverUrl, name));
    await migrated.close();
    project.provide('postgresTemplate', name);
    project.provide('pgliteTemplate', '');
    return async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'citewatch-tpl-'));
  const client = await PGlite.create();
  const migrated = await wrapPglite(client, 'memory://template');
  const dump = await client.dumpDataDir('none');
  await migrated.close();
  const file = path.join(dir, 'template.tar');
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  project.provide('pgliteTemplate', file);
  project.provide('postgresTemplate', '');
  return () => rmSync(dir, { recursive: true, force: true });
}

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError } from '../errors.js';

/** The configuration file of a home: YAML with comments. */
export const CONFIG_FILE_NAME = 'citewatch.yaml';
/** The older JSON file of a home, still read when it is the only one. */
export const LEGACY_CONFIG_FILE_NAME = 'config.json';

export type ConfigFile = {
  path: string;
  values: Record<string, unknown>;
  /** The 1-based line a value (by its path: ['channels', 1, 'url']) is written on, when known. */
  lineOf(at: (string | number)[]): number | null;
};

/**
 * Which file holds the configuration: the one given with --config (it must exist), else the home's
 * citewatch.yaml or config.json. Both in one home is refused rather than one silently shadowing the
 * other: an edit to the losing file would otherwise do nothing.
 */
export function findConfigFile(home: string, explicit: string | undefined): string | null {
  if (explicit !== undefined) {
    if (!existsSync(explicit)) throw new ConfigError(`config file ${explicit} does not exist`);
    return explicit;
  }
  const yaml = path.join(home, CONFIG_FILE_NAME);
  const json = path.join(home, LEGACY_CONFIG_FILE_NAME);
  if (existsSync(yaml) && existsSync(json)) {
    throw new ConfigError(
      `both ${yaml} and ${json} exist: keep one (move the settings of ${LEGACY_CONFIG_FILE_NAME} into ${CONFIG_FILE_NAME}, JSON is valid YAML) and remove the other`,
    );
  }
  if (existsSync(yaml)) return yaml;
  return existsSync(json) ? json : null;
}

/** Reads a configuration file: JSON when its name ends in .json, YAML otherwise. Errors name the file and the place. */
export function readConfigFile(file: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`config file ${file} cannot be read: ${(err as Error).message}`);
  }
  return file.toLowerCase().endsWith('.json') ? parseJson(file, text) : parseYaml(file, text);
}

function parseYaml(file: string, text: string): ConfigFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    const at = first.linePos?.[0];
    const where = at ? `${file}:${at.line}:${at.col}` : file;
    throw new ConfigError(`${where}: not valid YAML: ${first.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`);
  }
  const values = doc.toJS() ?? {};
  if (typeof values !== 'object' || Array.isArray(values))
    throw new ConfigError(`config file ${file} must hold a mapping of settings (key: value)`);
  return {
    path: file,
    values,
    lineOf: (at) => {
      const node = doc.getIn(at, true) as { range?: [number, number, number] } | undefined;
      return node?.range ? lineCounter.linePos(node.range[0]).line : null;
    },
  };
}

function parseJson(file: string, text: string): ConfigFile {
  let values: unknown;
  try {
    values = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`config file ${file} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof values !== 'object' || values === null || Array.isArray(values))
    throw new ConfigError(`config file ${file} must hold a JSON object`);
  return { path: file, values: values as Record<string, unknown>, lineOf: () => null };
}

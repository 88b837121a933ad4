// Reads a property configuration file (`assent.config.json`, `.yaml`/`.yml`, or `.ts`/`.js`
// exporting it as default) and validates it, naming the file, path and problem on failure.
import { readFile } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AssentConfig, type AssentConfigInput, formatConfigIssues } from '@assent/contract';
import { parseDocument } from 'yaml';

/** A configuration file that cannot be used; `problems` has one line per problem. */
export class ConfigFileError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigFileError';
    this.problems = problems;
  }
}

/**
 * Loads and validates a configuration file.
 * @returns the configuration as written (apply parses it again, filling defaults)
 * @throws ConfigFileError with lines like `assent.config.json: purposes[4].notices.en.impact: …`
 */
export async function loadConfigFile(path: string): Promise<AssentConfigInput> {
  const file = basename(path);
  const raw = await readRaw(resolve(path), file);
  const parsed = AssentConfig.safeParse(raw);
  if (!parsed.success) throw new ConfigFileError(formatConfigIssues(file, parsed.error));
  return raw as AssentConfigInput;
}

async function readRaw(path: string, file: string): Promise<unknown> {
  const ext = extname(path).toLowerCase();
  if (['.ts', '.mts', '.js', '.mjs'].includes(ext)) {
    try {
      const mod = (await import(pathToFileURL(path).href)) as { default?: unknown };
      if (mod.default === undefined)
        throw new ConfigFileError([`${file}: export the configuration as default`]);
      return mod.default;
    } catch (err) {
      if (err instanceof ConfigFileError) throw err;
      throw new ConfigFileError([`${file}: cannot be loaded (${(err as Error).message})`]);
    }
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new ConfigFileError([`${file}: cannot be read`]);
  }
  if (ext === '.yaml' || ext === '.yml') {
    const doc = parseDocument(text, { prettyErrors: true });
    if (doc.errors.length > 0)
      throw new ConfigFileError(
        doc.errors.map(
          (e) => `${file}:${e.linePos?.[0]?.line ?? '?'}: ${e.message.split('\n')[0]}`,
        ),
      );
    return doc.toJS();
  }
  if (ext !== '.json') throw new ConfigFileError([`${file}: use .json, .yaml, .yml, .ts or .js`]);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ConfigFileError([`${file}: not valid JSON (${(err as Error).message})`]);
  }
}

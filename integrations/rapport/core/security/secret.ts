import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The signing key (`RAPPORT_SECRET`). When the variable is absent a key is generated into
 * `file` on first start and read back afterwards; several servers must share one key, so
 * set the variable when you run more than one.
 */
export function loadSecret(options: { env?: string | undefined; file: string }): string {
  if (options.env !== undefined && options.env !== '') {
    if (options.env.length < 32) throw new Error('RAPPORT_SECRET must be at least 32 characters long; generate one with `openssl rand -base64 32`.');
    return options.env;
  }
  mkdirSync(path.dirname(options.file), { recursive: true });
  try {
    // `wx`: of two servers starting at once, one writes and the other reads what it wrote.
    writeFileSync(options.file, randomBytes(32).toString('base64url'), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readFileSync(options.file, 'utf8').trim();
}

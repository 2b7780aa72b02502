import { readFileSync } from 'node:fs';

/** What nodemailer signs every message with (its `dkim` transport option). */
export interface DkimOptions {
  domainName: string;
  keySelector: string;
  /** The private key, PEM text. */
  privateKey: string;
}

const VARIABLES = ['DKIM_DOMAIN', 'DKIM_SELECTOR', 'DKIM_PRIVATE_KEY or DKIM_PRIVATE_KEY_FILE'] as const;

/**
 * DKIM signing from the environment: `DKIM_DOMAIN`, `DKIM_SELECTOR` and the private key as PEM text
 * (`DKIM_PRIVATE_KEY`) or in a file (`DKIM_PRIVATE_KEY_FILE`). None set: no signing. Some but not
 * all set: an error at start, rather than mail that silently goes out unsigned.
 */
export function dkimFromEnv(env: Record<string, string | undefined>): DkimOptions | undefined {
  const domainName = env.DKIM_DOMAIN?.trim();
  const keySelector = env.DKIM_SELECTOR?.trim();
  const keyFile = env.DKIM_PRIVATE_KEY_FILE?.trim();
  // A key pasted into a one-line variable often has literal "\n" for its line breaks.
  const privateKey = env.DKIM_PRIVATE_KEY?.replaceAll('\\n', '\n').trim() || (keyFile ? readKey(keyFile) : undefined);
  const given = [domainName, keySelector, privateKey];
  if (given.every((v) => !v)) return undefined;
  if (!domainName || !keySelector || !privateKey) {
    const missing = VARIABLES.filter((_, i) => !given[i]);
    throw new Error(`DKIM signing needs ${VARIABLES.join(', ')}; missing: ${missing.join(', ')}.`);
  }
  if (!/-----BEGIN (RSA |EC )?PRIVATE KEY-----/.test(privateKey))
    throw new Error('The DKIM private key is not a PEM private key (it should start with "-----BEGIN PRIVATE KEY-----").');
  return { domainName, keySelector, privateKey };
}

function readKey(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new Error(`Cannot read the DKIM private key file ${file}: ${(error as Error).message}`, { cause: error });
  }
}

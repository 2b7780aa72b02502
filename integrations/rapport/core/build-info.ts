import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RapportConfig } from '../config/schema.ts';
import type { Period } from './privacy/personal-data.ts';

/** What a build records for the server that serves it (`<outDir>/server/rapport.json`). */
export interface BuildInfo {
  /** The site's URL: the origin check and links in mail. */
  site: string;
  /** The options as the build used them. */
  config: RapportConfig;
  /** The privacy statement's version this build shows (every consent taken through it records it). */
  privacyVersion?: string | undefined;
  /** The retention periods from the editor's privacy settings, by kind: what the statement prints and the retention job enforces. */
  retention?: Partial<Record<string, Period>> | undefined;
  /** Names this build apart from every other (`/health` shows it: the servers of a cluster serve the same one). */
  id?: string | undefined;
  /** When the build was made, ISO 8601. */
  builtAt?: string | undefined;
  /** The commit the project's Git repository was at when the build started, if it has one: a server sharing content builds again at start when its copy has moved on. */
  commit?: string | undefined;
}

export const BUILD_INFO_FILE = 'rapport.json';

/** Writes the build's record into the server bundle's folder, with a fresh id and the time. */
export function writeBuildInfo(serverDir: URL, info: Omit<BuildInfo, 'id' | 'builtAt'>): void {
  const record: BuildInfo = { ...info, id: randomBytes(6).toString('base64url'), builtAt: new Date().toISOString() };
  writeFileSync(new URL(BUILD_INFO_FILE, serverDir), `${JSON.stringify(record)}\n`);
}

/** Reads what a build recorded; throws, saying what to do, when the folder holds no Rapport build. */
export function readBuildInfo(distDir: string): BuildInfo {
  const file = path.join(distDir, 'server', BUILD_INFO_FILE);
  if (!existsSync(file)) throw new Error(`${file} is missing: build the site with the rapport() integration (npm run build) before serving it.`);
  return JSON.parse(readFileSync(file, 'utf8')) as BuildInfo;
}

/** What a build recorded, if the folder holds one (the CLI works without a build for most commands). */
export function findBuildInfo(distDir: string): BuildInfo | undefined {
  return existsSync(path.join(distDir, 'server', BUILD_INFO_FILE)) ? readBuildInfo(distDir) : undefined;
}

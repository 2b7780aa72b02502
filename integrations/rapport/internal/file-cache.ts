import { copyFileSync, linkSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A folder of build artefacts named by content hash, reused across builds. Files are placed in
 * the output by hard link (one system call, no copy) and written through a temporary name so a
 * reader never sees half a file.
 */
export class FileCache {
  readonly dir: string;
  private readonly names: Set<string>;
  private readonly atStart: ReadonlySet<string>;
  private readonly madeDirs = new Set<string>();

  constructor(dir: string) {
    this.dir = dir;
    mkdirSync(dir, { recursive: true });
    this.names = new Set(readdirSync(dir));
    this.atStart = new Set(this.names);
  }

  has(name: string): boolean {
    return this.names.has(name);
  }

  /** Whether the file was cached before this build began (reused rather than made now). */
  hadAtStart(name: string): boolean {
    return this.atStart.has(name);
  }

  put(name: string, data: Uint8Array): void {
    const file = path.join(this.dir, name);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, data);
    renameSync(tmp, file);
    this.names.add(name);
  }

  /** Places a cached file at `target` (which must not exist yet). */
  placeAt(name: string, target: string): void {
    this.ensureDir(path.dirname(target));
    const source = path.join(this.dir, name);
    try {
      linkSync(source, target);
    } catch {
      // Another filesystem, or a target left from an earlier step: copy instead.
      copyFileSync(source, target);
    }
  }

  ensureDir(dir: string): void {
    if (this.madeDirs.has(dir)) return;
    mkdirSync(dir, { recursive: true });
    this.madeDirs.add(dir);
  }
}

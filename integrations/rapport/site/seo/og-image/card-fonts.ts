import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inflateSync } from 'node:zlib';

export const CARD_FONT_FAMILY = 'Atkinson Hyperlegible';

export interface CardFont {
  weight: 400 | 700;
  /** The WOFF file as shipped, for satori's layout. */
  woff: Buffer;
  /** The same font as a TrueType file on disk, for resvg (which reads files, and no WOFF). */
  ttfFile: string;
}

/** The card's two weights, read once per process; the TrueType copies are written once per machine. */
export function cardFonts(): CardFont[] {
  const require = createRequire(import.meta.url);
  return ([400, 700] as const).map((weight) => {
    const woff = readFileSync(require.resolve(`@fontsource/atkinson-hyperlegible/files/atkinson-hyperlegible-latin-${weight}-normal.woff`));
    const dir = path.join(tmpdir(), 'rapport-card-fonts');
    const ttfFile = path.join(dir, `${createHash('sha256').update(woff).digest('hex').slice(0, 16)}.ttf`);
    if (!existsSync(ttfFile)) {
      mkdirSync(dir, { recursive: true });
      const tmp = `${ttfFile}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      writeFileSync(tmp, woffToSfnt(woff));
      renameSync(tmp, ttfFile);
    }
    return { weight, woff, ttfFile };
  });
}

/** Unpacks a WOFF 1.0 font into the TrueType/OpenType file it wraps (its tables, inflated, after a new table directory). */
export function woffToSfnt(woff: Buffer): Buffer {
  const numTables = woff.readUInt16BE(12);
  let searchPower = 0;
  while (2 ** (searchPower + 1) <= numTables) searchPower++;
  const searchRange = 2 ** searchPower * 16;
  const directory = Buffer.alloc(12 + 16 * numTables);
  directory.writeUInt32BE(woff.readUInt32BE(4), 0); // the wrapped font's flavour (TrueType or CFF)
  directory.writeUInt16BE(numTables, 4);
  directory.writeUInt16BE(searchRange, 6);
  directory.writeUInt16BE(searchPower, 8);
  directory.writeUInt16BE(numTables * 16 - searchRange, 10);
  const parts: Buffer[] = [directory];
  let offset = directory.length;
  for (let i = 0; i < numTables; i++) {
    const entry = 44 + i * 20;
    const [tag, at, compressed, original, checksum] = [0, 4, 8, 12, 16].map((o) => woff.readUInt32BE(entry + o)) as [number, number, number, number, number];
    const stored = woff.subarray(at, at + compressed);
    const table = compressed < original ? inflateSync(stored) : stored;
    directory.writeUInt32BE(tag, 12 + i * 16);
    directory.writeUInt32BE(checksum, 16 + i * 16);
    directory.writeUInt32BE(offset, 20 + i * 16);
    directory.writeUInt32BE(original, 24 + i * 16);
    const padding = (4 - (table.length % 4)) % 4;
    parts.push(table, Buffer.alloc(padding));
    offset += table.length + padding;
  }
  return Buffer.concat(parts);
}

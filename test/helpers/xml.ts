import { readFileSync } from 'node:fs';
import path from 'node:path';
import { validateXML } from 'xmllint-wasm';

/** The sitemaps.org 0.9 schema, kept in the repository (source and licence in its folder's README). */
const SITEMAP_SCHEMA = path.resolve(import.meta.dirname, '../fixtures/schemas/sitemap-0.9.xsd');

/** libxml2's messages for each file that breaks the schema (`[]` when all are valid), from WebAssembly: no system xmllint needed. */
export async function schemaErrors(files: string[], schemaFile = SITEMAP_SCHEMA): Promise<string[]> {
  const result = await validateXML({
    xml: files.map((file) => ({ fileName: path.basename(file), contents: readFileSync(file, 'utf8') })),
    schema: readFileSync(schemaFile, 'utf8'),
  });
  return result.errors.map((e) => e.rawMessage);
}

/** libxml2's messages for a document that is not well-formed XML (`[]` when it is). */
export async function wellFormednessErrors(xml: string): Promise<string[]> {
  const result = await validateXML({ xml: [{ fileName: 'document.xml', contents: xml }], normalization: 'format' });
  return result.errors.map((e) => e.rawMessage);
}

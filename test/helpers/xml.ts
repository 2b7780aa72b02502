import { readFileSync } from 'node:fs';
import path from 'node:path';
import { validateXML } from 'xmllint-wasm';

const schemas = path.resolve(import.meta.dirname, '../fixtures/schemas');
/** The sitemaps.org 0.9 schema with the XHTML links of a page's translations (sources and licence in the folder's README). */
const SITEMAP_SCHEMA = path.join(schemas, 'sitemap-with-alternates.xsd');
/** The files that schema imports, by the names it gives them. */
const SITEMAP_PARTS = ['sitemap-0.9.xsd', 'xhtml-link.xsd'];

/** libxml2's messages for each file that breaks the schema (`[]` when all are valid), from WebAssembly: no system xmllint needed. */
export async function schemaErrors(files: string[], schemaFile = SITEMAP_SCHEMA): Promise<string[]> {
  const result = await validateXML({
    xml: files.map((file) => ({ fileName: path.basename(file), contents: readFileSync(file, 'utf8') })),
    schema: { fileName: path.basename(schemaFile), contents: readFileSync(schemaFile, 'utf8') },
    preload: SITEMAP_PARTS.map((name) => ({ fileName: name, contents: readFileSync(path.join(schemas, name), 'utf8') })),
  });
  return result.errors.map((e) => e.rawMessage);
}

/** libxml2's messages for a document that is not well-formed XML (`[]` when it is). */
export async function wellFormednessErrors(xml: string): Promise<string[]> {
  const result = await validateXML({ xml: [{ fileName: 'document.xml', contents: xml }], normalization: 'format' });
  return result.errors.map((e) => e.rawMessage);
}

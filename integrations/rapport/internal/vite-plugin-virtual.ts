import type { Plugin } from 'vite';

/** A module whose default export is the list of the default exports of these files (components, functions). */
export class ModuleList {
  readonly files: readonly string[];
  constructor(files: readonly string[]) {
    this.files = files;
  }
  code(): string {
    return `${this.files.map((f, i) => `import C${i} from ${JSON.stringify(f)};`).join('\n')}\nexport default [${this.files.map((_, i) => `C${i}`).join(', ')}];`;
  }
}

/**
 * Serves each entry of `modules` as `virtual:rapport/<name>`: a default export of its JSON, or for
 * a `ModuleList`, of what the files it lists export (how features hand their blocks to one page, as
 * Starlight's virtual modules hand over components). Types live in `virtual.d.ts`.
 */
export function vitePluginRapportVirtual(modules: Record<string, unknown>): Plugin {
  const prefix = 'virtual:rapport/';
  const resolved = new Map(Object.entries(modules).map(([name, value]) => [`\0${prefix}${name}`, value]));
  return {
    name: 'rapport:virtual-modules',
    resolveId(id) {
      if (id.startsWith(prefix) && resolved.has(`\0${id}`)) return `\0${id}`;
      return undefined;
    },
    load(id) {
      if (!resolved.has(id)) return undefined;
      const value = resolved.get(id);
      return value instanceof ModuleList ? value.code() : `export default ${JSON.stringify(value)};`;
    },
  };
}

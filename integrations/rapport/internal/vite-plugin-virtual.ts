import type { Plugin } from 'vite';

/**
 * Serves each entry of `modules` as `virtual:rapport/<name>`, with a default export of its JSON.
 * Virtual modules carry data only; the types live in `virtual.d.ts`.
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
      return `export default ${JSON.stringify(resolved.get(id))};`;
    },
  };
}

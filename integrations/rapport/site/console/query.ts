import { likeLiteral } from '../../core/store/like.ts';

/** Reading a console list's query string: every value is checked, anything else falls back to the default. */

/** The page number (1 when absent or nonsense; capped so an offset stays reasonable). */
export const pageOf = (url: URL): number => {
  const n = Number(url.searchParams.get('page') ?? '1');
  return Number.isInteger(n) && n >= 1 && n <= 100_000 ? n : 1;
};

/** One of `allowed`, or `fallback`. */
export function oneOf<T extends string>(url: URL, name: string, allowed: readonly T[], fallback: T): T;
export function oneOf<T extends string>(url: URL, name: string, allowed: readonly T[]): T | undefined;
export function oneOf<T extends string>(url: URL, name: string, allowed: readonly T[], fallback?: T): T | undefined {
  const value = url.searchParams.get(name);
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

// eslint-disable-next-line no-control-regex -- control characters are exactly what it finds
const CONTROL = /[\u0000-\u001f\u007f]/g;

/** A search text: control characters removed (PostgreSQL refuses NUL in text), trimmed, at most 100 characters, `undefined` when empty. */
export const searchText = (url: URL, name = 'q'): string | undefined => {
  const value = (url.searchParams.get(name) ?? '').replace(CONTROL, '').trim().slice(0, 100);
  return value === '' ? undefined : value;
};

/** A `LIKE` pattern matching `text` anywhere, with the wildcards in it taken literally (use with `escape '\'`). */
export const containsPattern = (text: string) => `%${likeLiteral(text.toLowerCase())}%`;

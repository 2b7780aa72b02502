import { sql, type Expression, type RawBuilder } from 'kysely';

/** `text` with LIKE's wildcards (and the escape character) taken literally; use it with `likeEscaped`. */
export const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * `value LIKE pattern ESCAPE '\'`: the same in SQLite and PostgreSQL, so an `_` or `%` in an
 * address or a sentence matches only itself (`jo_ann@…` must not reach `joxann@…`).
 */
export const likeEscaped = (value: Expression<unknown>, pattern: string): RawBuilder<boolean> => sql<boolean>`${value} like ${pattern} escape '\\'`;

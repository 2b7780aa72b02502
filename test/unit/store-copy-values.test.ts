import { describe, expect, it } from 'vitest';
import { asStored } from '../../integrations/rapport/core/store/copy-store.ts';
import { foreignKeyOrder, type StoreTable } from '../../integrations/rapport/core/store/store-tables.ts';

describe('a value as the target column stores it', () => {
  it('turns PostgreSQL bigints (strings) into integers for SQLite, and keeps the ones JavaScript cannot hold exactly', () => {
    expect(asStored('1798000000123', 'bigint', 'sqlite')).toBe(1_798_000_000_123);
    expect(asStored('9223372036854775807', 'bigint', 'sqlite')).toBe(9223372036854775807n);
    expect(asStored('9223372036854775807', 'int8', 'postgres')).toBe('9223372036854775807');
    expect(asStored(9223372036854775807n, 'int8', 'postgres')).toBe('9223372036854775807');
    // Text that only looks like a number, in a text column, stays text.
    expect(asStored('00042', 'text', 'sqlite')).toBe('00042');
  });

  it('booleans, timestamps and JSON as each dialect keeps them', () => {
    expect(asStored(true, 'boolean', 'sqlite')).toBe(1);
    expect(asStored(0, 'bool', 'postgres')).toBe(false);
    expect(asStored(1, 'bool', 'postgres')).toBe(true);
    const at = new Date('2026-06-15T12:00:00.000Z');
    expect(asStored(at, 'text', 'sqlite')).toBe('2026-06-15T12:00:00.000Z');
    expect(asStored(at, 'timestamptz', 'postgres')).toBe(at);
    expect(asStored({ a: [1] }, 'TEXT', 'sqlite')).toBe('{"a":[1]}');
    expect(asStored({ a: [1] }, 'jsonb', 'postgres')).toBe('{"a":[1]}');
    expect(asStored(null, 'integer', 'postgres')).toBeNull();
  });
});

describe('the order tables are copied in', () => {
  const table = (name: string, references: string[]): StoreTable => ({ name, columns: [], primaryKey: ['id'], references });

  it('puts every table after the tables it points at', () => {
    const order = foreignKeyOrder([table('order_lines', ['orders']), table('orders', ['contacts']), table('contacts', []), table('notes', ['notes'])]).map(
      (t) => t.name,
    );
    expect(order.indexOf('contacts')).toBeLessThan(order.indexOf('orders'));
    expect(order.indexOf('orders')).toBeLessThan(order.indexOf('order_lines'));
    expect(order).toContain('notes');
  });

  it('says so when foreign keys go round in a circle', () => {
    expect(() => foreignKeyOrder([table('a', ['b']), table('b', ['a'])])).toThrowErrorMatchingInlineSnapshot(
      `[Error: The store's foreign keys go round in a circle (a → b → a); its tables cannot be copied in order.]`,
    );
  });
});

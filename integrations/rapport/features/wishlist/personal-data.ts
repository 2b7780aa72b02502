import type { PersonalData } from '../../core/privacy/personal-data.ts';

/** The wish list and the back-in-stock requests: handed over with the rest, deleted on erasure. */
export const wishlistData = (): PersonalData => ({
  tables: ['wish_list_items', 'stock_requests'],
  async export(db, person) {
    return {
      wish_list_items: await db
        .selectFrom('wish_list_items')
        .selectAll()
        .where('contact_id', '=', person.contactId)
        .orderBy('created_at')
        .orderBy('sku')
        .execute(),
      stock_requests: await db
        .selectFrom('stock_requests')
        .selectAll()
        .where('contact_id', '=', person.contactId)
        .orderBy('created_at')
        .orderBy('id')
        .execute(),
    };
  },
  async erase(trx, person) {
    await trx.deleteFrom('wish_list_items').where('contact_id', '=', person.contactId).execute();
    await trx.deleteFrom('stock_requests').where('contact_id', '=', person.contactId).execute();
  },
});

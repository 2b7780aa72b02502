// A big shop's CRM store for the console benchmark: contacts, orders over three seasons, a
// timeline, consents and mail. Deterministic (a seeded generator), written in large batches.
import { createHash } from 'node:crypto';

/** mulberry32: a small seeded generator, so every run seeds the same shop. */
function random(seed) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = [
  'Ann',
  'Bob',
  'Chloé',
  'Dev',
  'Emma',
  'Farid',
  'Grace',
  'Hiro',
  'Ines',
  'Jon',
  'Kate',
  'Luc',
  'Maya',
  'Nils',
  'Olga',
  'Priya',
  'Quinn',
  'Rosa',
  'Sam',
  'Tara',
];
const LAST = ['Smith', 'Tremblay', 'Nguyen', 'Roy', 'Wilson', 'Gagnon', 'Martin', 'Lee', 'Brown', 'Singh', 'Côté', 'Patel', 'Taylor', 'Bouchard', 'Chen'];
const ORGS = [null, null, null, 'Prairie Gardens', 'Lacombe Nursery', 'Red Deer Parks', 'Bow Valley Landscaping', 'Green Thumb Co-op'];
const KINDS = ['customer', 'customer', 'customer', 'customer', 'prospect', 'prospect', 'supplier', 'partner', 'investor'];
const SKUS = [
  ['TUL-QUE-10', 'Tulip Queen of Night, 10 bulbs', 1495],
  ['DAF-TET-10', 'Daffodil Tête-à-tête, 10 bulbs', 1195],
  ['LIL-MAR-3', 'Lily Martagon, 3 bulbs', 1895],
  ['ALL-GIG-3', 'Allium Giganteum, 3 bulbs', 1695],
];
const iso = (ms) => new Date(ms).toISOString();
const id = (prefix, n) => `${prefix}-${String(n).padStart(8, '0')}`;

async function insert(db, table, rows, chunk) {
  for (let i = 0; i < rows.length; i += chunk)
    await db
      .insertInto(table)
      .values(rows.slice(i, i + chunk))
      .execute();
}

/**
 * Seeds `contacts` contacts, `orders` orders (each with lines and events) spread over three
 * years with the bulb seasons' peaks, and `activities` timeline entries. Returns a few ids the
 * benchmark opens (a contact with a long timeline, an order number).
 */
export async function seedCrm(db, { contacts = 100_000, orders = 50_000, activities = 500_000, now = Date.now() } = {}) {
  const rand = random(42);
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const YEAR = 365 * 86_400_000;
  const people = [];
  for (let n = 0; n < contacts; n++) {
    const first = pick(FIRST);
    const last = pick(LAST);
    const created = now - Math.floor(rand() * 3 * YEAR);
    people.push({
      id: id('c', n),
      email: `${first}.${last}.${n}@example.com`
        .toLowerCase()
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, ''),
      name: `${first} ${last}`,
      organisation: pick(ORGS),
      kind: pick(KINDS),
      created_at: iso(created),
      updated_at: iso(created),
      email_confirmed_at: rand() < 0.6 ? iso(created + 3_600_000) : null,
    });
  }
  await db.transaction().execute(async (trx) => {
    await insert(trx, 'contacts', people, 1_000);
    // Three in ten on the newsletter, each with the consent that put them there.
    const subscribed = people.filter(() => rand() < 0.3);
    await insert(
      trx,
      'list_subscriptions',
      subscribed.map((p) => ({
        contact_id: p.id,
        list: 'news',
        status: rand() < 0.9 ? 'confirmed' : 'unsubscribed',
        created_at: p.created_at,
        confirmed_at: p.created_at,
        updated_at: p.created_at,
      })),
      1_000,
    );
    const wording = createHash('sha256').update('news').digest('hex');
    await insert(
      trx,
      'consent_ledger',
      subscribed.map((p, n) => ({
        id: id('k', n),
        contact_id: p.id,
        purpose: 'newsletter:news',
        action: 'granted',
        form_id: 'subscribe',
        wording_hash: wording,
        policy_version: '2026-06-01',
        source: 'web:/subscribe',
        created_at: p.created_at,
      })),
      1_000,
    );
  });

  // Orders: buyers are a fifth of the contacts; a few buy often. Fall and spring peaks.
  const buyers = people.filter((p) => p.kind === 'customer').slice(0, Math.max(1, Math.floor(contacts / 5)));
  const orderRows = [];
  const lineRows = [];
  const eventRows = [];
  for (let n = 0; n < orders; n++) {
    const who = rand() < 0.3 ? buyers[Math.floor(rand() * Math.min(buyers.length, 500))] : pick(buyers);
    const year = Math.floor(rand() * 3);
    const month = rand() < 0.6 ? 8 + Math.floor(rand() * 3) : 2 + Math.floor(rand() * 3);
    const date = Math.min(
      now - 86_400_000,
      Date.UTC(new Date(now).getUTCFullYear() - year - (month > new Date(now).getUTCMonth() ? 1 : 0), month, 1 + Math.floor(rand() * 28)),
    );
    const lines = 1 + Math.floor(rand() * 3);
    let subtotal = 0;
    for (let l = 0; l < lines; l++) {
      const [sku, name, unit] = SKUS[(n + l) % SKUS.length];
      const quantity = 1 + Math.floor(rand() * 4);
      subtotal += unit * quantity;
      lineRows.push({
        id: id(`l${l}`, n),
        order_id: id('o', n),
        position: l,
        sku,
        name,
        unit: 'pack',
        quantity,
        unit_cents: unit,
        total_cents: unit * quantity,
      });
    }
    const status = year === 0 && rand() < 0.05 ? pick(['received', 'confirmed', 'shipped']) : rand() < 0.04 ? 'cancelled' : 'delivered';
    const tax = Math.round(subtotal * 0.05);
    orderRows.push({
      id: id('o', n),
      number: `${String(n).padStart(6, '0')}-B${(n % 1000).toString(36).toUpperCase().padStart(2, '0')}`,
      contact_id: who.id,
      status,
      currency: 'CAD',
      subtotal_cents: subtotal,
      shipping_cents: 950,
      tax_cents: tax,
      total_cents: subtotal + 950 + tax,
      taxes: JSON.stringify([{ name: 'GST', rate: 5000, cents: tax }]),
      shipping_option: 'standard',
      ship_to: JSON.stringify({ name: who.name, line1: '1 Main St', city: 'Lacombe', region: 'AB', postalCode: 'T4L 2N3', country: 'CA' }),
      payment_method: 'invoice',
      po_number: null,
      note: null,
      form_key: id('fk', n),
      follow_up_consent: 0,
      created_at: iso(date),
      updated_at: iso(date),
      delivered_at: status === 'delivered' ? iso(date + 5 * 86_400_000) : null,
      follow_up_due_at: null,
      followed_up_at: null,
    });
    eventRows.push({ id: id('e', n), order_id: id('o', n), status: 'received', note: null, actor: 'customer', created_at: iso(date) });
  }
  await db.transaction().execute(async (trx) => {
    await insert(trx, 'orders', orderRows, 500);
    await insert(trx, 'order_lines', lineRows, 1_000);
    await insert(trx, 'order_events', eventRows, 1_000);
  });

  // The timeline: most entries on a few thousand active people, one of them very busy.
  const busy = buyers[0];
  const TYPES = ['order', 'subscribed', 'enquiry', 'question', 'sign-in'];
  const timeline = [];
  for (let n = 0; n < activities; n++) {
    const who = n % 50 === 0 ? busy : rand() < 0.7 ? people[Math.floor(rand() * Math.min(people.length, 5_000))] : pick(people);
    const type = pick(TYPES);
    timeline.push({
      id: id('a', n),
      contact_id: who.id,
      type,
      summary: type === 'enquiry' ? 'Question about fall planting' : `Seeded ${type}`,
      data: type === 'enquiry' ? JSON.stringify({ subject: 'Fall planting', message: 'When should I plant tulips in Red Deer?' }) : null,
      created_at: iso(now - Math.floor(rand() * 3 * YEAR)),
    });
    if (timeline.length === 50_000) {
      await db.transaction().execute((trx) => insert(trx, 'activities', timeline.splice(0), 1_000));
    }
  }
  if (timeline.length) await db.transaction().execute((trx) => insert(trx, 'activities', timeline.splice(0), 1_000));
  return { busyContact: busy.id, someOrder: orderRows[Math.floor(orders / 2)].number, someName: 'smith' };
}

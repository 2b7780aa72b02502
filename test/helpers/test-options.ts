import type { RapportUserConfig } from '../../integrations/rapport/config/schema.ts';

/** The smallest valid options: a shop with a name, a description and a business. */
export const TEST_OPTIONS: RapportUserConfig = {
  site: { name: 'Test Shop', description: 'A shop that sells things to people who want them, described at length.' },
  business: {
    legalName: 'Test Shop Ltd.',
    address: { streetAddress: '1 Main St', locality: 'Calgary', region: 'AB', postalCode: 'T2P 1A1', country: 'CA' },
    phone: '+1-403-555-0199',
    email: 'hi@test.example',
  },
};

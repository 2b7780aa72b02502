// @ts-check
import { defineConfig } from 'astro/config';
import node from '@astrojs/node';
import rapport from './integrations/rapport/index.ts';

// The reference site: Chinook Bulb Farm, a specialty flower-bulb grower in Alberta.
export default defineConfig({
  site: process.env.SITE_URL ?? 'https://www.chinookbulbfarm.ca',
  adapter: node({ mode: 'middleware' }),
  integrations: [
    rapport({
      site: {
        name: 'Chinook Bulb Farm',
        tagline: 'Prairie-hardy flower bulbs, grown in Alberta since 1987',
        description:
          'Tulips, daffodils, lilies and alliums grown on our farm near Lacombe, Alberta, and shipped to gardeners across Canada and the United States.',
        // English at /, French at /fr/ (a customer in Quebec is served in French).
        locales: ['en-CA', 'fr-CA'],
        translations: {
          'fr-CA': {
            tagline: 'Des bulbes rustiques des Prairies, cultivés en Alberta depuis 1987',
            description:
              'Tulipes, narcisses, lis et alliums cultivés sur notre ferme près de Lacombe, en Alberta, et expédiés aux jardiniers de partout au Canada et aux États-Unis.',
            catalogName: 'Bulbes',
          },
        },
        logo: '/logo.svg',
        accentColor: '#2f6b3b',
        catalogName: 'Bulbs',
        navigation: [
          { label: 'Bulbs', href: '/products/', translations: { 'fr-CA': 'Bulbes' } },
          { label: 'FAQ', href: '/faq/' },
          { label: 'Newsletter', href: '/newsletter/', translations: { 'fr-CA': 'Infolettre' } },
          { label: 'About', href: '/about/', translations: { 'fr-CA': 'À propos' } },
          { label: 'Contact', href: '/contact/', translations: { 'fr-CA': 'Nous joindre' } },
        ],
      },
      business: {
        type: 'GardenStore',
        legalName: 'Chinook Bulb Farm Ltd.',
        address: {
          streetAddress: '41025 Range Road 265',
          locality: 'Lacombe',
          region: 'AB',
          postalCode: 'T4L 2N3',
          country: 'CA',
        },
        phone: '+1-403-555-0142',
        email: 'hello@chinookbulbfarm.ca',
        logo: '/logo.png',
        openingHours: [
          { days: ['Mo', 'Tu', 'We', 'Th', 'Fr'], opens: '09:00', closes: '17:00' },
          { days: ['Sa'], opens: '10:00', closes: '15:00', season: { from: '2026-04-15', to: '2026-10-15' } },
        ],
        areaServed: ['Canada', 'United States'],
        geo: { latitude: 52.4683, longitude: -113.7368 },
        priceRange: '$$',
        foundingDate: '1987',
      },
      crm: {
        lists: [
          {
            id: 'news',
            label: 'The Chinook newsletter',
            description: 'New varieties, planting tips and farm news, four times a year.',
            translations: {
              'fr-CA': {
                label: 'L’infolettre Chinook',
                description: 'Nouvelles variétés, conseils de plantation et nouvelles de la ferme, quatre fois par année.',
              },
            },
          },
          {
            id: 'reminders',
            label: 'Planting reminders',
            description: 'A short note when it is time to order, plant or lift bulbs on the Prairies.',
            translations: {
              'fr-CA': {
                label: 'Rappels de plantation',
                description: 'Un mot bref quand vient le temps de commander, de planter ou d’arracher les bulbes dans les Prairies.',
              },
            },
          },
        ],
        orders: {
          currency: 'CAD',
          // Reminders before each season's ordering window closes (content/settings/ordering-windows.md).
          reorder: { enabled: true },
          // Bulbs cannot be sent to Alaska or Hawaii (plant-health rules), so we say so up front.
          shipsTo: [
            { country: 'CA', except: [] },
            { country: 'US', except: ['AK', 'HI'] },
          ],
          shipping: [
            {
              id: 'standard',
              label: 'Standard parcel',
              description: 'Canada Post, tracked: 2 to 8 business days.',
              translations: { 'fr-CA': { label: 'Colis standard', description: 'Postes Canada, suivi\u00a0: de 2 à 8 jours ouvrables.' } },
              rates: [
                { country: 'CA', regions: ['AB'], base: 9.5, perKg: 2, freeOver: 100 },
                { country: 'CA', base: 14, perKg: 4, freeOver: 150 },
                { country: 'US', base: 24, perKg: 8 },
              ],
            },
            {
              id: 'express',
              label: 'Express',
              description: 'Purolator, next business day to most of Canada.',
              translations: { 'fr-CA': { label: 'Express', description: 'Purolator, le jour ouvrable suivant dans la plupart du Canada.' } },
              rates: [{ country: 'CA', base: 28, perKg: 6 }],
            },
          ],
          taxes: { canada: { gstHst: true, pst: ['BC'] } },
        },
        // Surveys in the CMS (content/surveys/): one on the About page, one in the after-sale e-mail.
        surveys: { enabled: true },
      },
      social: {
        profiles: ['https://www.instagram.com/chinookbulbfarm', 'https://www.facebook.com/chinookbulbfarm'],
      },
    }),
  ],
});

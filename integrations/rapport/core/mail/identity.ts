import type { RapportConfig } from '../../config/schema.ts';

/** The `From` of every message Rapport sends. */
export const mailFrom = (config: RapportConfig) => config.crm.mailFrom ?? `${config.site.name} <${config.business.email}>`;

/** Where staff notifications go. */
export const staffAddress = (config: RapportConfig) => config.crm.staffEmail ?? config.business.email;

/** Small print under every message: why the person gets it, and who sends it (with a postal address, as anti-spam laws ask). */
export function mailFooter(config: RapportConfig, why: string): string[] {
  const a = config.business.address;
  return [why, `${config.site.name} · ${a.streetAddress}, ${a.locality} ${a.region} ${a.postalCode}, ${a.country}`];
}

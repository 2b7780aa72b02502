import type { RapportConfig } from '../config/schema.ts';
import type { FormEndpoint } from '../core/forms/endpoint.ts';
import { registerEndpoint } from '../features/accounts/register.ts';
import { accountListsEndpoint, signInConfirmEndpoint, signInEndpoint, signOutEndpoint } from '../features/accounts/sign-in.ts';
import { contactEndpoint } from '../features/contact/message.ts';
import { askEndpoint } from '../features/faq/ask.ts';
import { preferencesEndpoint } from '../features/newsletter/preferences.ts';
import { confirmEndpoint, subscribeEndpoint } from '../features/newsletter/subscribe.ts';
import { unsubscribeEndpoint } from '../features/newsletter/unsubscribe.ts';
import { orderEndpoint } from '../features/orders/place-order.ts';

/** Every form the site answers, by the path it posts to, as the options enable them. */
export function formEndpoints(config: RapportConfig): Map<string, FormEndpoint> {
  const endpoints: FormEndpoint[] = [];
  if (config.crm.subscribe) endpoints.push(subscribeEndpoint, confirmEndpoint, preferencesEndpoint, unsubscribeEndpoint);
  if (config.crm.accounts) endpoints.push(registerEndpoint, signInEndpoint, signInConfirmEndpoint, signOutEndpoint, accountListsEndpoint);
  if (config.crm.contactForm) endpoints.push(contactEndpoint);
  if (config.features.faq && config.crm.questions.enabled) endpoints.push(askEndpoint);
  if (config.crm.orders.enabled) endpoints.push(orderEndpoint);
  return new Map(endpoints.map((e) => [e.path, e as unknown as FormEndpoint]));
}

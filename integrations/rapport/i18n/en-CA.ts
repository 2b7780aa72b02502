/**
 * What Rapport says to visitors, in Canadian English: the source catalogue. Every key lives here
 * first; another locale's file has the same keys (checked by TypeScript and by test/unit/i18n.test.ts).
 * Texts are ICU messages (`{max, number}`, `{count, plural, one {…} other {…}}`), formatted by
 * intl-messageformat. A straight apostrophe is ICU's quote character: write ’ instead.
 */
const messages = {
  // Shared by every form: what the whole form is told.
  'form.fix-fields': 'Please correct the fields marked below.',
  'form.too-fast': 'That was quicker than we expected, so nothing was sent yet. Check the form and press the button again.',
  'form.expired': 'This page was open for more than a day. Check the fields and send the form again.',
  'form.too-many': 'Too many forms have been sent from your network in the last few minutes. Nothing was lost from this page: wait {wait} and send it again.',
  'form.unknown-fields': 'This form does not have the {count, plural, one {field} other {fields}} {names}. Reload the page and send it again.',
  'form.unknown-fields.more': '{count, number} more',
  'form.unavailable': 'We could not save this just now, and nothing was stored. Please send the form again in a minute.',
  'form.body-too-large': 'That is more than this form accepts.',
  'form.too-many-fields': 'This form has at most {allowance, number} fields, and far more were sent. Reload the page and send it again.',
  'form.wrong-encoding': 'Send the form as application/x-www-form-urlencoded or multipart/form-data, without files.',
  'form.wait.seconds': '{seconds, plural, one {# second} other {# seconds}}',
  'form.wait.minutes': '{minutes, plural, one {# minute} other {# minutes}}',
  'form.server-only': 'Forms on this site are answered by Rapport’s server (npm start); this server cannot take them.',
  // Shared by every form: the words around its fields.
  'form.optional': '(optional)',
  'form.choose': 'Choose…',
  'form.honeypot': 'Leave this field empty',
  'form.consent.how-we-use': 'How we use this: privacy statement',
  'form.consent.version': '(version {version})',
  'form.consent.statement': 'Privacy statement',
  'form.consent.what-we-do': 'What we do with this and how long we keep it:',
  'form.consent.statement-link': 'privacy statement',
  // Shared by every form: its common fields, and what one field is told.
  'field.name.label': 'Your name',
  'field.email.label': 'E-mail address',
  'field.kind.label': 'I am',
  'field.kind.customer': 'A customer or gardener',
  'field.kind.prospect': 'Just looking',
  'field.kind.supplier': 'A supplier',
  'field.kind.partner': 'A partner (garden centre, club, reseller)',
  'field.kind.investor': 'An investor',
  'field.sent-twice': 'This field was sent more than once. Reload the page and send the form again.',
  'field.missing': 'Fill in this field.',
  'field.name.missing': 'Enter your name.',
  'field.name.too-long': 'Use at most {max, number} characters for your name.',
  'field.name.one-line': 'Write your name on one line.',
  'field.email.invalid': 'Enter an e-mail address like name@example.com.',
  'field.email.too-long': 'That address is too long.',
  'field.line.too-long': 'Use at most {max, number} characters.',
  'field.line.one-line': 'Keep this on one line.',
  'field.text.missing': 'Write your message.',
  'field.text.too-short': 'Write at least {min, number} characters.',
  'field.text.too-long': 'Use at most {max, number} characters (shorten it, or send two messages).',
  'field.text.control-characters': 'Remove the unusual control characters from the text.',
  'field.choice.invalid': 'Choose one of the options.',
} as const;

export default messages;

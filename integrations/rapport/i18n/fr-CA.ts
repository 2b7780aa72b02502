import type { Catalogue } from './catalogues.ts';

/**
 * Ce que Rapport dit aux visiteurs, en français canadien. Mêmes clés et mêmes variables que
 * `en-CA.ts` (vérifié par TypeScript et par test/unit/i18n.test.ts). Typographie québécoise
 * (OQLF) : une espace insécable (\u00a0) avant le deux-points, aucune avant ; ? !
 */
const messages = {
  'form.fix-fields': 'Veuillez corriger les champs indiqués ci-dessous.',
  'form.too-fast': 'C’était plus rapide que prévu\u00a0: rien n’a encore été envoyé. Vérifiez le formulaire et appuyez de nouveau sur le bouton.',
  'form.expired': 'Cette page est restée ouverte plus d’une journée. Vérifiez les champs et envoyez le formulaire de nouveau.',
  'form.too-many':
    'Trop de formulaires ont été envoyés depuis votre réseau au cours des dernières minutes. Rien n’a été perdu sur cette page\u00a0: attendez {wait}, puis envoyez-le de nouveau.',
  'form.unknown-fields': 'Ce formulaire n’a pas {count, plural, one {le champ} other {les champs}} {names}. Rechargez la page et envoyez-le de nouveau.',
  'form.unknown-fields.more': '{count, plural, one {# autre} other {# autres}}',
  'form.unavailable': 'Nous n’avons pas pu enregistrer votre envoi pour le moment, et rien n’a été conservé. Veuillez renvoyer le formulaire dans une minute.',
  'form.body-too-large': 'C’est plus que ce que ce formulaire accepte.',
  'form.too-many-fields':
    'Ce formulaire compte au plus {allowance, number} champs, et beaucoup plus ont été envoyés. Rechargez la page et envoyez-le de nouveau.',
  'form.wrong-encoding': 'Envoyez le formulaire en application/x-www-form-urlencoded ou en multipart/form-data, sans fichiers.',
  'form.wait.seconds': '{seconds, plural, one {# seconde} other {# secondes}}',
  'form.wait.minutes': '{minutes, plural, one {# minute} other {# minutes}}',
  'form.server-only': 'Les formulaires de ce site sont traités par le serveur de Rapport (npm start); ce serveur-ci ne peut pas les recevoir.',
  'form.optional': '(facultatif)',
  'form.choose': 'Choisir…',
  'form.honeypot': 'Laissez ce champ vide',
  'form.consent.how-we-use': 'Ce que nous en faisons\u00a0: politique de confidentialité',
  'form.consent.version': '(version {version})',
  'form.consent.statement': 'Politique de confidentialité',
  'form.consent.what-we-do': 'Ce que nous faisons de ces renseignements et combien de temps nous les gardons\u00a0:',
  'form.consent.statement-link': 'politique de confidentialité',
  'field.name.label': 'Votre nom',
  'field.email.label': 'Adresse courriel',
  'field.kind.label': 'Je suis',
  'field.kind.customer': 'Un client ou un jardinier',
  'field.kind.prospect': 'Simplement curieux',
  'field.kind.supplier': 'Un fournisseur',
  'field.kind.partner': 'Un partenaire (centre de jardinage, club, revendeur)',
  'field.kind.investor': 'Un investisseur',
  'field.sent-twice': 'Ce champ a été envoyé plus d’une fois. Rechargez la page et envoyez le formulaire de nouveau.',
  'field.missing': 'Remplissez ce champ.',
  'field.name.missing': 'Entrez votre nom.',
  'field.name.too-long': 'Votre nom doit compter au plus {max, number} caractères.',
  'field.name.one-line': 'Écrivez votre nom sur une seule ligne.',
  'field.email.invalid': 'Entrez une adresse courriel comme nom@exemple.ca.',
  'field.email.too-long': 'Cette adresse est trop longue.',
  'field.line.too-long': 'Utilisez au plus {max, number} caractères.',
  'field.line.one-line': 'Gardez ce texte sur une seule ligne.',
  'field.text.missing': 'Écrivez votre message.',
  'field.text.too-short': 'Écrivez au moins {min, number} caractères.',
  'field.text.too-long': 'Utilisez au plus {max, number} caractères (raccourcissez le texte ou envoyez deux messages).',
  'field.text.control-characters': 'Retirez les caractères de contrôle inhabituels du texte.',
  'field.choice.invalid': 'Choisissez l’une des options.',
} satisfies Catalogue;

export default messages;

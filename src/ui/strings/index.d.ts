// optin/ui/en, optin/ui/de, optin/ui/fr, optin/ui/es: the elements' words in one language,
// for `addStrings(locale, strings)` (English is built into optin/ui; its table lists every key).
declare const strings: { readonly [key: string]: string };
export default strings;

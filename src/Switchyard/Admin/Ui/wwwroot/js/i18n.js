// The language of the console: one message catalogue per language (js/i18n/*.js), chosen in the top bar and
// remembered in this browser; until then the browser's own language decides. Dates and numbers follow it too.
import en from './i18n/en.js';
import zh from './i18n/zh.js';

const CATALOGUES = { en, zh };
const LOCALES = { en: 'en-US', zh: 'zh-CN' };
const STORAGE = 'switchyard.lang';

/** The languages offered in the switch, each named in itself. */
export const LANGUAGES = [['en', 'English'], ['zh', '中文']];

function stored() {
  try {
    return localStorage.getItem(STORAGE);
  } catch {
    return null;
  }
}

function fromBrowser() {
  const wanted = navigator.languages?.length ? navigator.languages : [navigator.language || 'en'];
  for (const tag of wanted) {
    const base = String(tag).toLowerCase().split('-')[0];
    if (CATALOGUES[base]) return base;
  }
  return 'en';
}

let current = CATALOGUES[stored()] ? stored() : fromBrowser();

export function language() {
  return current;
}

/** The BCP 47 locale for Intl and for `lang` on the page. */
export function locale() {
  return LOCALES[current];
}

/** Applies the language to the document (lang attribute); call once at start and after each switch. */
export function applyLanguage() {
  document.documentElement.lang = current === 'zh' ? 'zh-CN' : 'en';
}

/** Switches and remembers the language (only an explicit choice is stored; the default stays the browser's). */
export function setLanguage(lang) {
  if (!CATALOGUES[lang]) return;
  current = lang;
  try {
    localStorage.setItem(STORAGE, lang);
  } catch {
    // Storage refused (private mode): the choice lasts for this page only.
  }
  applyLanguage();
}

/** The message `key` in the current language, with {name} placeholders filled from `params`. */
export function t(key, params) {
  const text = CATALOGUES[current][key] ?? CATALOGUES.en[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (params[name] === undefined ? whole : String(params[name])));
}

/** A message that depends on a count: `key.one` / `key.other` as Intl.PluralRules chooses for the language. */
export function tn(key, count, params = {}) {
  const form = new Intl.PluralRules(locale()).select(Number(count)) === 'one' ? 'one' : 'other';
  return t(`${key}.${form}`, { n: new Intl.NumberFormat(locale()).format(Number(count)), ...params });
}

// Light or dark: the operating system's setting by default, or the reader's choice, remembered in this browser.
const STORAGE = 'switchyard.theme';

export function current() {
  try {
    const value = localStorage.getItem(STORAGE);
    return value === 'light' || value === 'dark' ? value : 'auto';
  } catch {
    return 'auto';
  }
}

/** Puts the choice on <html data-theme>; the stylesheet follows the system when there is none. */
export function apply() {
  const value = current();
  if (value === 'auto') document.documentElement.removeAttribute('data-theme');
  else document.documentElement.setAttribute('data-theme', value);
}

export function set(value) {
  try {
    if (value === 'auto') localStorage.removeItem(STORAGE);
    else localStorage.setItem(STORAGE, value);
  } catch {
    // Storage refused: the choice lasts for this page only.
  }
  if (value === 'auto') document.documentElement.removeAttribute('data-theme');
  else document.documentElement.setAttribute('data-theme', value);
}

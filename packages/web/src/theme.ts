/** Light and dark themes: the system's choice until the user picks one, then theirs (kept per browser). */
export type Theme = 'light' | 'dark';
const KEY = 'headroom.theme';

export function initialTheme(): Theme {
  const saved = localStorage.getItem(KEY);
  if (saved === 'light' || saved === 'dark') return saved;
  return window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function applyTheme(theme: Theme, remember: boolean): void {
  document.documentElement.dataset.theme = theme;
  if (remember) localStorage.setItem(KEY, theme);
  window.dispatchEvent(new CustomEvent('headroom-theme', { detail: theme }));
}

/** A CSS custom property's current value (charts read their colours from the theme). */
export function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

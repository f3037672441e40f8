/** Light and dark themes: the system's preference unless the toggle chose one (kept in localStorage). */
export type Theme = 'auto' | 'light' | 'dark'

export function storedTheme(): Theme {
  const t = localStorage.getItem('bpkit-theme')
  return t === 'light' || t === 'dark' ? t : 'auto'
}

export function applyTheme(theme: Theme) {
  if (theme === 'auto') {
    document.documentElement.removeAttribute('data-theme')
    localStorage.removeItem('bpkit-theme')
  } else {
    document.documentElement.setAttribute('data-theme', theme)
    localStorage.setItem('bpkit-theme', theme)
  }
}

export const nextTheme = (t: Theme): Theme => (t === 'auto' ? 'dark' : t === 'dark' ? 'light' : 'auto')

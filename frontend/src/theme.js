// Light and dark themes. The stylesheet follows the system (`color-scheme: light dark`); a theme forced by
// `?__theme=dark|light` or by the app's config sets `data-theme` on the themed element.

const THEMES = ["light", "dark"];

/** The theme to force, or null to follow the system. The query parameter wins over the config. */
export function forcedTheme(config, search = location.search) {
  const requested = new URLSearchParams(search).get("__theme");
  if (THEMES.includes(requested)) return requested;
  return THEMES.includes(config?.theme) ? config.theme : null;
}

export function applyTheme(el, theme) {
  if (theme) el.dataset.theme = theme;
  else delete el.dataset.theme;
}

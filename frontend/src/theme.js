// Light and dark themes. The stylesheet follows the system (`color-scheme: light dark`); a theme forced by
// the page's `?__theme=dark|light`, an embedded app's `theme-mode` attribute or the app's config sets
// `data-theme` on the themed element.

const THEMES = ["light", "dark"];

/**
 * The theme to force, or null to follow the system. `requested` (the query parameter of the stand-alone
 * page, or the `theme-mode` of `<mountui-app>`) wins over the config; "system" follows the system.
 */
export function forcedTheme(config, requested = null) {
  if (THEMES.includes(requested)) return requested;
  if (requested === "system") return null;
  return THEMES.includes(config?.theme) ? config.theme : null;
}

/** The theme the stand-alone page's URL asks for (`?__theme=`). */
export function themeFromURL(search = location.search) {
  return new URLSearchParams(search).get("__theme");
}

export function applyTheme(el, theme) {
  if (theme) el.dataset.theme = theme;
  else delete el.dataset.theme;
}

// Starting an app in a root element, for the stand-alone page and for `<mountui-app>` alike: fetch the
// config (unless the page carries it), apply the theme, render, and report load failures in place.

import { App } from "./app.js";
import { h } from "./dom.js";
import { applyTheme, forcedTheme } from "./theme.js";

/**
 * @param {HTMLElement} root where the app renders
 * @param {import("./api.js").Api} api
 * @param {object} options `themed` (the element carrying `data-theme`), `theme` (the requested theme),
 *   `inlineConfig`, `controlTitle` (set document.title), and the App's options (`info`, `autoscroll`)
 * @returns {Promise<App|null>} the started app, or null when it could not be loaded
 */
export async function boot(
  root,
  api,
  { themed, theme = null, inlineConfig = null, controlTitle, ...options },
) {
  try {
    const config = inlineConfig ?? (await api.config());
    api.sessionId = config.session_id ?? null;
    applyTheme(themed, forcedTheme(config, theme));
    if (controlTitle && config.title) document.title = config.title;
    const app = new App(root, config, api, options);
    app.start();
    return app;
  } catch (err) {
    root.replaceChildren(
      h("p", { class: "mu-load-error", role: "alert" }, `This app could not be loaded: ${err.message}`),
    );
    return null;
  }
}

// Entry point: boots the page rendered by the server (`#mountui-root` + the config block) and defines
// `<mountui-app src="...">` (element.js) for embedding an app in another page (loaded there by P/embed.js).

import "./styles/app.css";
import { Api } from "./api.js";
import { boot } from "./boot.js";
import { defineElement } from "./element.js";
import { registerServiceWorker } from "./pwa.js";
import { themeFromURL } from "./theme.js";

defineElement();

const root = document.getElementById("mountui-root");
if (root) {
  const block = document.getElementById("mountui-config");
  let inlineConfig = null;
  try {
    inlineConfig = block ? JSON.parse(block.textContent) : null;
  } catch {
    inlineConfig = null; // fall back to fetching it
  }
  boot(root, new Api(document.baseURI), {
    themed: document.documentElement,
    theme: themeFromURL(),
    inlineConfig,
    controlTitle: !document.title,
  });
  registerServiceWorker();
}

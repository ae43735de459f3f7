// The footer's "Embed" hint: how to put this app on another site, as a web component or in an iframe,
// with this app's own address filled in (the server must also allow that site: README, "Embed your app").

import { h } from "./dom.js";

export function embedSnippets(base) {
  const app = new URL(".", base).href;
  return [
    [
      "Web component",
      `<script type="module" src="${app}embed.js"></script>\n<mountui-app src="${app}"></mountui-app>`,
    ],
    ["Iframe", `<iframe src="${app}" style="width: 100%; height: 600px; border: 0"></iframe>`],
  ];
}

/** [footer link, panel]: the link shows and hides the panel of snippets. */
export function embedHint(base) {
  const panel = h(
    "section",
    { class: "mu-embed-hint", hidden: true, "aria-label": "Embed this app" },
    embedSnippets(base).flatMap(([title, code]) => [h("h2", {}, title), h("pre", {}, h("code", {}, code))]),
    h("p", {}, "The site embedding the app must be allowed by the server: allowed_origins, frame_ancestors."),
  );
  const link = h("button", { type: "button", class: "mu-footer-link", "aria-expanded": "false" }, "Embed");
  link.addEventListener("click", () => {
    panel.hidden = !panel.hidden;
    link.setAttribute("aria-expanded", String(!panel.hidden));
  });
  return [link, panel];
}

// OAuth sign-in from inside a frame or another site's page. Providers refuse to be framed, so the sign-in
// runs in a pop-up, which hands the new session back to this page (mountui/auth/oauth_handoff.py): only the
// window that opened the pop-up receives its code, and only this page holds the claim that redeems it.

import { ApiError } from "../../api.js";

const FEATURES = "popup,width=520,height=720";

/** Whether the page cannot sign in by following the link: it is framed, or embedded in another site. */
export function needsPopup(api) {
  return api.crossOrigin || window.top !== window;
}

function codeFrom(popup, origin) {
  return new Promise((resolve, reject) => {
    const done = (settle, value) => {
      clearInterval(watch);
      window.removeEventListener("message", onMessage);
      settle(value);
    };
    const onMessage = (event) => {
      if (event.origin !== origin || event.source !== popup) return;
      if (event.data?.type === "mountui:signed-in") done(resolve, event.data.code);
    };
    const watch = setInterval(() => {
      if (popup.closed) done(reject, new ApiError("cancelled", "The sign-in window was closed."));
    }, 500);
    window.addEventListener("message", onMessage);
  });
}

/** Sign in through a pop-up at `loginPath`; resolves once this page has a session of its own. */
export async function signInWithPopup(api, loginPath) {
  // Opened right away, within the click, so that pop-up blockers let it through; pointed at the
  // provider once the handoff exists.
  const popup = window.open("", "mountui-sign-in", FEATURES);
  if (!popup) throw new ApiError("popup_blocked", "Allow pop-ups for this page to sign in.");
  try {
    const started = await api.request("oauth/handoff", {
      method: "POST",
      headers: { Accept: "application/json" },
    });
    const { id, claim } = await started.json();
    const url = new URL(api.url(loginPath));
    url.searchParams.set("handoff", id);
    popup.location.href = url.href;
    const code = await codeFrom(popup, new URL(api.base).origin);
    await api.request("oauth/handoff/redeem", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ id, claim, code }),
    });
  } catch (err) {
    if (!popup.closed) popup.close();
    throw err;
  }
}

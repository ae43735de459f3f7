// The service worker of an installable app: registered when the server put a manifest in the page (pwa=True).
// `sw.js` is resolved against the page, so the worker lives at the mount path and its scope is the app.

export function registerServiceWorker() {
  if (!("serviceWorker" in navigator) || !document.querySelector('link[rel="manifest"]')) return;
  navigator.serviceWorker.register(new URL("sw.js", document.baseURI)).catch(() => {
    // Not installable here (no secure context, blocked by the browser): the page works the same.
  });
}

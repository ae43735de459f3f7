// The service worker of an installable app (pwa=True), served at P/sw.js so that its scope is the mount path.
// The server puts `const CONFIG = {...}` before this text: the cache's name, the hashed assets, the offline
// page. URLs are resolved against the registration's scope, so the same worker serves any mount path or proxy
// prefix. Only the hashed static assets are cached (cache first: their names change when they do); the page
// itself and every call go to the network, and a page that cannot be loaded shows the offline page.

const SCOPE = self.registration.scope;
const CACHE = `mountui:${SCOPE}:${CONFIG.version}`;
const ASSETS = CONFIG.assets.map((path) => new URL(path, SCOPE).href);

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(ASSETS))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  // Older caches of this app (same scope, other version) go; other apps of the origin keep theirs.
  const mine = `mountui:${SCOPE}:`;
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(names.filter((n) => n.startsWith(mine) && n !== CACHE).map((n) => caches.delete(n))),
      )
      .then(() => self.clients.claim()),
  );
});

function offlinePage() {
  return new Response(CONFIG.offline_html, {
    status: 503,
    headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" },
  });
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  if (ASSETS.includes(request.url)) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  } else if (request.mode === "navigate" && request.url.startsWith(SCOPE)) {
    event.respondWith(fetch(request).catch(offlinePage));
  }
});

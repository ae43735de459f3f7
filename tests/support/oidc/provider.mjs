// A real OpenID Connect provider for the OAuth tests: the certified `oidc-provider` package on a free
// loopback port, with its own sign-in and consent pages (plain HTML, no request leaves the machine).
//
//   node provider.mjs '{"accounts": {"alice": {"password": "...", "claims": {...}}}}'
//
// It prints one JSON line, {"issuer": "http://127.0.0.1:PORT"}, once it listens. Tests register clients at
// run time with `POST /test/clients` (the redirect URI is only known once the app under test is serving).

import { generateKeyPairSync, randomBytes } from "node:crypto";
import http from "node:http";

import { Provider } from "oidc-provider";
import MemoryAdapter from "oidc-provider/lib/adapters/memory_adapter.js";

const options = JSON.parse(process.argv[2] || "{}");
const accounts = new Map(Object.entries(options.accounts || {}));
const clients = new Map(); // client_id -> client metadata, registered by the tests
const accessTokenTTL = new Map(); // client_id -> seconds

class Adapter extends MemoryAdapter {
  async find(id) {
    if (this.model === "Client") return clients.get(id);
    return super.find(id);
  }
}

function signingKey() {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { ...privateKey.export({ format: "jwk" }), kid: randomBytes(8).toString("hex"), use: "sig", alg: "RS256" };
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title, body) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head>
<body><h1>${escape(title)}</h1>${body}</body></html>`;
}

function loginPage(uid, error) {
  return page(
    "Sign in to the test provider",
    `${error ? `<p role="alert">${escape(error)}</p>` : ""}
<form method="post" action="/interaction/${escape(uid)}/login">
  <label>Login <input name="login" autocomplete="off" required></label>
  <label>Password <input name="password" type="password" required></label>
  <button type="submit">Sign in</button>
</form>`,
  );
}

function consentPage(uid, clientId, scopes) {
  return page(
    "Allow access?",
    `<p>${escape(clientId)} asks for: ${escape(scopes.join(" "))}</p>
<form method="post" action="/interaction/${escape(uid)}/confirm"><button type="submit">Allow</button></form>
<form method="post" action="/interaction/${escape(uid)}/abort"><button type="submit">Deny</button></form>`,
  );
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString();
}

async function finish(ctx, provider, result, merge) {
  const returnTo = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: merge });
  ctx.redirect(returnTo);
  ctx.status = 303;
}

async function interactions(ctx, provider) {
  const match = ctx.path.match(/^\/interaction\/([\w-]+)(?:\/(login|confirm|abort))?$/);
  if (!match) return false;
  const [, uid, action] = match;
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  const { prompt, params, session } = details;
  ctx.set("Cache-Control", "no-store");
  if (ctx.method === "GET" && !action) {
    ctx.type = "html";
    ctx.body =
      prompt.name === "login"
        ? loginPage(uid)
        : consentPage(uid, params.client_id, String(params.scope || "").split(" "));
    return true;
  }
  if (ctx.method !== "POST" || !action) return false;
  const form = new URLSearchParams(await readBody(ctx.req));
  if (action === "abort") {
    await finish(ctx, provider, { error: "access_denied", error_description: "The user denied access" }, false);
  } else if (action === "login") {
    const login = form.get("login") || "";
    const account = accounts.get(login);
    if (!account || account.password !== form.get("password")) {
      ctx.type = "html";
      ctx.status = 401;
      ctx.body = loginPage(uid, "Wrong login or password");
      return true;
    }
    await finish(ctx, provider, { login: { accountId: login } }, false);
  } else {
    let grant = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
    grant ??= new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    const missing = prompt.details;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(" "));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    await finish(ctx, provider, { consent: { grantId: await grant.save() } }, true);
  }
  return true;
}

async function registerClient(ctx) {
  const body = JSON.parse(await readBody(ctx.req));
  const { access_token_ttl: ttl, ...metadata } = body;
  clients.set(metadata.client_id, {
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    ...metadata,
  });
  if (ttl) accessTokenTTL.set(metadata.client_id, ttl);
  ctx.status = 201;
  ctx.body = { client_id: metadata.client_id };
}

function configuration() {
  return {
    adapter: Adapter,
    jwks: { keys: [signingKey()] },
    cookies: { keys: [randomBytes(32).toString("hex")] },
    findAccount(_ctx, id) {
      const account = accounts.get(id);
      if (!account) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...account.claims }) };
    },
    claims: {
      openid: ["sub"],
      email: ["email", "email_verified"],
      profile: ["name", "given_name", "family_name", "picture", "preferred_username", "locale"],
    },
    // Google puts the profile claims in the ID token itself; a conforming provider serves them at userinfo.
    conformIdTokenClaims: options.conformIdTokenClaims ?? true,
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // Introspection: apps check that an access token an MCP client sends was issued to them.
    features: { devInteractions: { enabled: false }, introspection: { enabled: true } },
    pkce: { required: () => true },
    ttl: {
      AccessToken: (_ctx, _token, client) => accessTokenTTL.get(client.clientId) ?? 3600,
      AuthorizationCode: 60,
      IdToken: 3600,
      RefreshToken: 24 * 3600,
      Interaction: 600,
      Session: 3600,
      Grant: 24 * 3600,
    },
  };
}

const server = http.createServer();
server.listen(0, "127.0.0.1", () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, configuration());
  provider.use(async (ctx, next) => {
    if (ctx.method === "POST" && ctx.path === "/test/clients") return registerClient(ctx);
    if (await interactions(ctx, provider)) return undefined;
    return next();
  });
  server.on("request", provider.callback());
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => process.exit(0));
}

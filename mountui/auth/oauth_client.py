"""The OpenID Connect protocol steps of sign-in, on authlib's Starlette client.

authlib does the protocol work: discovery, PKCE (S256), the nonce, the token requests and the ID token checks
(signature against the provider's JWKS, issuer, audience, expiry, nonce). authlib's own state storage needs
Starlette's SessionMiddleware; we do not use it: the routes keep each flow in our store instead.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from mountui.errors import MountUIError
from mountui.oauth import OAuth

logger = logging.getLogger("mountui.auth")

GOOGLE_ISSUER = "https://accounts.google.com"
GOOGLE_TOKENINFO = "https://oauth2.googleapis.com/tokeninfo"

# Claims about the ID token itself rather than the user: not part of the profile functions receive.
_TOKEN_CLAIMS = {"nonce", "at_hash", "c_hash", "aud", "exp", "iat", "nbf", "azp", "jti", "sid", "auth_time"}


class SignInFailed(MountUIError):
    """A sign-in that ends on an error page: `reason` for the log, `message` for the user."""

    def __init__(self, status: int, title: str, message: str, reason: str) -> None:
        super().__init__(reason)
        self.status, self.title, self.message, self.reason = status, title, message, reason


def describe(exc: BaseException) -> str:
    """An exception for the log: its type and message (authlib's carry the OAuth error code)."""
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def token_record(token: dict[str, Any], now: float, previous: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the session keeps of a token response (never the ID token, never sent to the browser)."""
    previous = previous or {}
    expires_at = token.get("expires_at")
    if token.get("expires_in") is not None:
        # Counted from `now` on the clock that later decides the token is due, not from authlib's reading.
        expires_at = now + float(token["expires_in"])
    return {
        "access_token": token["access_token"],
        "refresh_token": token.get("refresh_token") or previous.get("refresh_token"),
        "expires_at": float(expires_at) if expires_at is not None else None,
        "scope": token.get("scope") or previous.get("scope") or "",
        "token_type": token.get("token_type", "Bearer"),
    }


class ProviderClient:
    """One provider: start a sign-in, redeem its code, refresh an access token."""

    def __init__(self, oauth: OAuth, *, clock: Callable[[], float] = time.time) -> None:
        from authlib.integrations.starlette_client import OAuth as AuthlibOAuth

        self.oauth = oauth
        self.clock = clock
        self.client: Any = AuthlibOAuth().register(
            name="mountui",
            client_id=oauth.client_id,
            client_secret=oauth.client_secret,
            server_metadata_url=oauth.server_metadata_url,
            client_kwargs={
                "scope": " ".join(oauth.scopes),
                "code_challenge_method": "S256",
                "timeout": 15,
                # We decide when a token is due for refresh (refresh_leeway); authlib must not second-guess
                # a fresh short-lived token when it calls userinfo with it.
                "leeway": 0,
            },
        )

    async def authorization(self, redirect_uri: str) -> dict[str, Any]:
        """The provider URL to send the browser to, with the `state`, `nonce` and `code_verifier` it used."""
        return dict(await self.client.create_authorization_url(redirect_uri, **self.oauth.authorize_params))

    async def redeem(
        self, code: str, issuer: str | None, flow: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Exchange the code for tokens; return the user's claims (ID token, then userinfo) and the tokens."""
        name = self.oauth.name
        metadata = await self.client.load_server_metadata()
        if issuer is not None and issuer != metadata.get("issuer"):
            # RFC 9207: the response names its issuer; a different one means a mixed-up provider.
            raise SignInFailed(
                400, "Sign-in failed", "The sign-in answer came from another provider.", "wrong iss"
            )
        try:
            token = await self.client.fetch_access_token(
                redirect_uri=flow["redirect_uri"], code=code, code_verifier=flow["code_verifier"]
            )
        except Exception as exc:
            raise SignInFailed(
                502,
                "Sign-in failed",
                f"{name} did not confirm the sign-in. Please try again.",
                f"the token request failed ({describe(exc)})",
            ) from None
        if "id_token" not in token:
            raise SignInFailed(
                502, "Sign-in failed", f"{name} sent no ID token.", "no id_token in the answer"
            )
        try:
            claims = dict(await self.client.parse_id_token(token, nonce=flow["nonce"]))
        except Exception as exc:
            raise SignInFailed(
                502, "Sign-in failed", f"{name} sent an invalid ID token.", f"bad ID token ({describe(exc)})"
            ) from None
        if metadata.get("userinfo_endpoint"):
            claims = {**await self._userinfo(token, claims["sub"]), **claims}
        profile = {key: value for key, value in claims.items() if key not in _TOKEN_CLAIMS}
        return profile, token_record(token, self.clock(), {"scope": " ".join(self.oauth.scopes)})

    async def _userinfo(self, token: dict[str, Any], subject: str) -> dict[str, Any]:
        """Claims a conforming provider serves only at userinfo (name, email, ...); the ID token's win."""
        try:
            info = dict(await self.client.userinfo(token=token))
        except Exception as exc:
            logger.warning(
                "mountui: %s userinfo failed (%s); using the ID token alone", self.oauth.name, describe(exc)
            )
            return {}
        if info.get("sub") != subject:
            logger.warning("mountui: %s userinfo describes another subject; ignored", self.oauth.name)
            return {}
        return info

    async def issued_to_this_app(self, access_token: str) -> bool:
        """Whether the provider says this access token was issued to this app's client: RFC 7662
        introspection when the provider offers it, Google's tokeninfo for Google. False when it cannot tell:
        a token the provider gave another app (any app of the same provider can get one for its user)
        must not sign anyone in here."""
        import httpx

        metadata = await self.client.load_server_metadata()
        client_id = self.oauth.client_id
        async with httpx.AsyncClient(timeout=15) as http:
            if endpoint := metadata.get("introspection_endpoint"):
                answer = await http.post(
                    endpoint,
                    data={"token": access_token, "token_type_hint": "access_token"},
                    auth=(str(client_id), str(self.oauth.client_secret)),
                )
                info = answer.json() if answer.status_code == 200 else {}
                audiences = info.get("aud") or []
                audiences = [audiences] if isinstance(audiences, str) else list(audiences)
                return info.get("active") is True and (
                    info.get("client_id") == client_id or client_id in audiences
                )
            if metadata.get("issuer") == GOOGLE_ISSUER:
                answer = await http.get(GOOGLE_TOKENINFO, params={"access_token": access_token})
                info = answer.json() if answer.status_code == 200 else {}
                return client_id in (info.get("aud"), info.get("azp"))
        logger.warning(
            "mountui: %s offers no token introspection: its access tokens cannot sign in on P/mcp",
            self.oauth.name,
        )
        return False

    async def refresh(self, token: dict[str, Any]) -> dict[str, Any]:
        """A new access token for the refresh token in `token`; raises when the provider refuses."""
        answer = await self.client.fetch_access_token(
            grant_type="refresh_token", refresh_token=token["refresh_token"]
        )
        return token_record(answer, self.clock(), token)

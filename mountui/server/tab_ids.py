"""Ids of browser tabs, under which `State` lives: random, issued by the server and signed, so a client
can neither invent one nor guess another's."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from mountui.http.equal import constant_time_equal


class TabIds:
    def __init__(self, keys: list[bytes]) -> None:
        self._keys = keys  # the last signs; any verifies (so a rotated secret_key keeps open tabs working)

    @classmethod
    def for_app(cls, secret_keys: list[str] | None, fingerprint: bytes) -> TabIds:
        # The app's fingerprint enters the key, so two different UIs sharing a secret never accept each
        # other's ids; every worker of one app derives the same key from the same secret.
        if not secret_keys:
            return cls([secrets.token_bytes(32)])
        return cls(
            [
                hmac.new(k.encode(), b"mountui.tab|" + fingerprint, hashlib.sha256).digest()
                for k in secret_keys
            ]
        )

    @staticmethod
    def _mac(key: bytes, token: str) -> str:
        digest = hmac.new(key, token.encode(), hashlib.sha256).digest()[:16]
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def issue(self) -> str:
        token = secrets.token_urlsafe(16)
        return f"{token}.{self._mac(self._keys[-1], token)}"

    def verify(self, value: str) -> bool:
        token, _, mac = value.partition(".")
        if not token or not mac or len(value) > 100:
            return False
        return any(constant_time_equal(mac, self._mac(key, token)) for key in self._keys)

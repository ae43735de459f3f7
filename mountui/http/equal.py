"""Comparing secrets and owners in constant time, whatever characters they hold."""

from __future__ import annotations

import hmac


def constant_time_equal(a: str | None, b: str | None) -> bool:
    """`a == b` in time that does not depend on where they differ; None equals "". Any text (a username
    with "é", a header with odd bytes) compares: `hmac.compare_digest` alone refuses non-ASCII strings."""
    return hmac.compare_digest(
        (a or "").encode("utf-8", "surrogatepass"), (b or "").encode("utf-8", "surrogatepass")
    )

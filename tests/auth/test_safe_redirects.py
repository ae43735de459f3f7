"""The one safe-redirect helper, used for `next=` (and by any other sign-in flow that returns somewhere)."""

from __future__ import annotations

import pytest

from mountui.auth.redirects import safe_redirect_target

OFF_SITE = [
    "//evil.example",
    "///evil.example",
    "https://evil.example/",
    "HTTPS://evil.example",
    "http:evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "/%5Cevil.example",
    "%2F%2Fevil.example",
    "/%2F%2Fevil.example",
    "/%252F%252Fevil.example",
    "/%25252F%25252Fevil.example",
    "/%2525252F%2525252Fevil.example",
    "/\x00/evil.example",
    "/\r\nSet-Cookie: x=1",
    "/%0d%0aSet-Cookie:%20x=1",
    "javascript:alert(1)",
    "data:text/html,hi",
    "/" + "a" * 3000,
    "",
    None,
]


@pytest.mark.parametrize("base", ["", "/ui", "/a/b"])
@pytest.mark.parametrize("target", OFF_SITE)
def test_anything_that_could_leave_the_app_falls_back_to_its_page(target: str | None, base: str) -> None:
    assert safe_redirect_target(target, base) == base + "/"


@pytest.mark.parametrize(
    ("base", "target", "expected"),
    [
        ("", "/", "/"),
        ("", "/docs?x=1#top", "/docs?x=1#top"),
        ("/ui", "/ui", "/ui"),
        ("/ui", "/ui/?q=caf\u00e9 au lait", "/ui/?q=caf%C3%A9%20au%20lait"),
        ("/ui", "/ui/?next=https%3A%2F%2Fexample.org", "/ui/?next=https%3A%2F%2Fexample.org"),
        ("/ui", "/uix/", "/ui/"),
        ("/ui", "/ui/../admin/", "/ui/"),
        ("/a/b", "/a/", "/a/b/"),
    ],
)
def test_paths_inside_the_app_are_kept(base: str, target: str, expected: str) -> None:
    assert safe_redirect_target(target, base) == expected

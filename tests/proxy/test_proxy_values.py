"""The forms of addresses, hosts and prefixes that proxies send, including those loopback tests can't make."""

from __future__ import annotations

import ipaddress

import pytest

from mountui.http.proxy import (
    ForwardedHeaders,
    parse_address,
    parse_forwarded,
    valid_host,
    valid_prefix,
)


@pytest.mark.parametrize(
    ("value", "address"),
    [
        ("203.0.113.9", "203.0.113.9"),
        ("203.0.113.9:4711", "203.0.113.9"),
        ('"[2001:db8::17]:4711"', "2001:db8::17"),
        ("2001:db8::17", "2001:db8::17"),
        ("::ffff:127.0.0.1", "127.0.0.1"),
        ("unknown", None),
        ("_hidden", None),
        ("[2001:db8::17", None),
    ],
)
def test_addresses(value, address):
    expected = ipaddress.ip_address(address) if address else None
    assert parse_address(value) == expected


@pytest.mark.parametrize(
    ("value", "host"),
    [
        ("Example.COM", "example.com"),
        ("example.com:8443", "example.com:8443"),
        ("[2001:db8::1]:8443", "[2001:db8::1]:8443"),
        ("web_app.internal", "web_app.internal"),
        ("[2001:db8::1", None),
        ("[nothost]:80", None),
        ("example.com:0", None),
        ("example.com:", None),
        ("-example.com", None),
        ("exa mple.com", None),
        ("example.com\r\nSet-Cookie: a=b", None),
    ],
)
def test_hosts(value, host):
    assert valid_host(value) == host


@pytest.mark.parametrize(
    ("value", "prefix"),
    [
        ("/", ""),
        ("/apps/demo", "/apps/demo"),
        ("/apps/demo/", "/apps/demo"),
        ("/v1.2/my-app_x~", "/v1.2/my-app_x~"),
        ("apps", None),
        ("//evil.example", None),
        ("/a//b", None),
        ("/a/./b", None),
        ("/%0d//evil.example", None),
        ("/a#b", None),
        ("/" + "a" * 2000, None),
    ],
)
def test_prefixes(value, prefix):
    assert valid_prefix(value) == prefix


def test_forwarded_elements_with_quoted_commas_and_semicolons():
    elements = parse_forwarded('for="[2001:db8::1]:80";host="a.example";proto=https, For=10.0.0.1')

    assert elements == [
        {"for": "[2001:db8::1]:80", "host": "a.example", "proto": "https"},
        {"for": "10.0.0.1"},
    ]
    assert parse_forwarded("for=1.2.3.4;for=5.6.7.8") is None  # a parameter twice in one element
    assert parse_forwarded("for=1.2.3.4 host=x") is None


def test_a_websocket_behind_an_https_proxy_is_wss():
    scope = {
        "type": "websocket",
        "scheme": "ws",
        "client": ("10.0.0.2", 5000),
        "headers": [(b"x-forwarded-proto", b"https"), (b"x-forwarded-for", b"203.0.113.9")],
    }

    ForwardedHeaders(["10.0.0.0/8"]).apply(scope)

    assert scope["scheme"] == "wss"
    assert scope["mountui.forwarded_proto"] == "https"
    assert scope["client"] == ("203.0.113.9", 0)


def test_a_unix_socket_peer_is_trusted_only_with_the_wildcard():
    headers = [(b"x-forwarded-host", b"apps.example.com")]
    strict = {"type": "http", "client": None, "headers": headers}
    wildcard = {"type": "http", "client": None, "headers": headers}

    ForwardedHeaders(["127.0.0.1"]).apply(strict)
    ForwardedHeaders(["*"]).apply(wildcard)

    assert "mountui.forwarded_host" not in strict
    assert wildcard["mountui.forwarded_host"] == "apps.example.com"

"""The relay's parts in process: link ids, resume codes, its configuration, and the scope the app is given."""

from __future__ import annotations

import pytest

from mountui.errors import ConfigError
from mountui.share.bridge import scope_from_head
from mountui.share.frames import FrameError
from mountui.share.relay import RelayConfig
from mountui.share.tunnels import ResumeCodes, new_link_id

TOKEN = "relay-parts-token-0123456789"


def test_link_ids_are_long_random_dns_labels():
    ids = {new_link_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(len(i) == 26 and i.isalnum() and i == i.lower() for i in ids)


def test_a_resume_code_gives_back_its_link_only_to_a_relay_with_the_same_token():
    link = new_link_id()
    code = ResumeCodes(TOKEN).issue(link, 2_000_000_000)
    assert ResumeCodes(TOKEN).check(code) == (link, 2_000_000_000)  # a restarted relay honours it
    assert ResumeCodes(TOKEN + "x").check(code) is None
    other = new_link_id()
    assert ResumeCodes(TOKEN).check(code.replace(link, other)) is None  # another link's id
    assert ResumeCodes(TOKEN).check(code.replace("2000000000", "2000000001")) is None  # a longer life
    assert ResumeCodes(TOKEN).check("garbage") is None


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"token": "short"}, "at least 16 characters"),
        ({"domain": "share.example.com:443"}, "plain host name"),
        ({"domain": "https://share.example.com"}, "plain host name"),
        ({"link_ttl": 0}, "must be positive"),
    ],
)
def test_the_relay_refuses_a_wrong_configuration_with_the_fix(settings, message):
    with pytest.raises(ConfigError, match=message):
        RelayConfig(**{"domain": "share.example.com", "token": TOKEN, **settings})


def test_links_and_their_hosts_in_both_modes():
    subdomain = RelayConfig(domain="share.example.com", token=TOKEN)
    assert subdomain.url_for("abc") == "https://abc.share.example.com/"
    path = RelayConfig(domain="share.example.com", token=TOKEN, mode="path", scheme="http", public_port=8080)
    assert path.url_for("abc") == "http://share.example.com:8080/s/abc/"


HEAD = {
    "method": "GET",
    "path": "/s/abc/config",
    "query": "a=1",
    "headers": [
        ["host", "evil.example"],
        ["x-forwarded-host", "evil.example"],
        ["forwarded", "host=evil"],
        ["accept", "*/*"],
    ],
    "scheme": "https",
    "host": "share.example.com",
    "prefix": "/s/abc",
    "client": "203.0.113.7",
}


def test_the_apps_scope_says_what_the_relay_says_and_nothing_a_visitor_forged():
    scope = scope_from_head(HEAD, state={"db": 1})
    assert scope["scheme"] == "https" and scope["root_path"] == "/s/abc" and scope["path"] == "/s/abc/config"
    assert scope["headers"] == [(b"host", b"share.example.com"), (b"accept", b"*/*")]
    assert scope["client"] == ("203.0.113.7", 0) and scope["server"] == ("share.example.com", 443)
    assert scope["query_string"] == b"a=1" and scope["state"] == {"db": 1}


@pytest.mark.parametrize(
    "change",
    [
        {"scheme": "javascript"},
        {"host": "bad host/"},
        {"prefix": "/../x"},
        {"path": "/elsewhere/config"},  # outside the link's prefix
        {"method": "GET /x"},
        {"headers": [["x", "a\r\nb"]]},
    ],
)
def test_a_malformed_head_is_refused(change):
    with pytest.raises(FrameError):
        scope_from_head({**HEAD, **change}, state=None)

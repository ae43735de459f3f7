"""State lives on the server, per browser session, with an owner, a size limit and an expiry."""

from __future__ import annotations

import mountui


def counter_demo() -> mountui.Blocks:
    def add(item: str, items: list[str]) -> tuple[list[str], int]:
        items = [*items, item]
        return items, len(items)

    with mountui.Blocks() as demo:
        items = mountui.State([])
        box, count = mountui.Textbox(), mountui.Number()
        mountui.Button().click(add, [box, items], [items, count])
        blob = mountui.State("")
        mountui.Button().click(lambda n: "x" * int(n), count, blob, api_name="grow")
    return demo


def test_state_is_kept_per_session_and_never_sent(live, http):
    base = live(counter_demo())
    config = http.get(f"{base}/config").json()
    assert all(c["type"] != "State" for c in config["components"])
    dep = config["dependencies"][0]
    assert len(dep["inputs"]) == 1 and len(dep["outputs"]) == 1  # State is not on the wire
    tab_a = {"X-MountUI-Session": config["session_id"]}
    tab_b = {"X-MountUI-Session": http.get(f"{base}/config").json()["session_id"]}
    assert tab_a != tab_b
    call = lambda headers, item: http.post(f"{base}/api/add", json={"data": [item]}, headers=headers)  # noqa: E731
    assert call(tab_a, "x").json() == {"data": [1]}
    assert call(tab_a, "y").json() == {"data": [2]}
    assert call(tab_b, "z").json() == {"data": [1]}
    # Without a session (a plain API call) State starts from its default every time.
    assert http.post(f"{base}/api/add", json={"data": ["q"]}).json() == {"data": [1]}
    assert http.post(f"{base}/api/add", json={"data": ["q"]}).json() == {"data": [1]}


def test_state_over_the_size_limit_is_refused(live, http):
    base = live(counter_demo(), state_max_size=1000)
    headers = {"X-MountUI-Session": http.get(f"{base}/config").json()["session_id"]}
    ok = http.post(f"{base}/api/grow", json={"data": [10]}, headers=headers)
    assert ok.status_code == 200
    refused = http.post(f"{base}/api/grow", json={"data": [5000]}, headers=headers)
    assert refused.status_code == 413
    assert refused.json()["error"]["code"] == "state_too_large"


def test_state_expires(live, http, clock):
    base = live(counter_demo(), state_ttl=60, clock=clock)
    headers = {"X-MountUI-Session": http.get(f"{base}/config").json()["session_id"]}
    assert http.post(f"{base}/api/add", json={"data": ["a"]}, headers=headers).json() == {"data": [1]}
    assert http.post(f"{base}/api/add", json={"data": ["b"]}, headers=headers).json() == {"data": [2]}
    clock.advance(59)
    assert http.post(f"{base}/api/add", json={"data": ["c"]}, headers=headers).json() == {"data": [3]}
    clock.advance(59)  # 118 s after the first write: each write keeps the State another state_ttl
    assert http.post(f"{base}/api/add", json={"data": ["d"]}, headers=headers).json() == {"data": [4]}
    clock.advance(60)
    assert http.post(f"{base}/api/add", json={"data": ["e"]}, headers=headers).json() == {"data": [1]}


def test_another_users_session_is_refused(live, http):
    users = {"alice-token": "alice", "bob-token": "bob"}
    base = live(counter_demo(), auth_dependency=lambda r: users.get(r.headers.get("x-token", "")))
    alice, bob = {"X-Token": "alice-token"}, {"X-Token": "bob-token"}
    session = http.get(f"{base}/config", headers=alice).json()["session_id"]
    assert http.post(
        f"{base}/api/add", json={"data": ["a"]}, headers={**alice, "X-MountUI-Session": session}
    ).json() == {"data": [1]}
    stolen = http.post(f"{base}/api/add", json={"data": ["b"]}, headers={**bob, "X-MountUI-Session": session})
    assert stolen.status_code == 403
    assert stolen.json()["error"]["code"] == "forbidden"

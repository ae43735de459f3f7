"""Bad input gets a precise status and message, and the server keeps serving."""

from __future__ import annotations

import pytest

import mountui


@pytest.fixture
def base(live):
    with mountui.Blocks() as demo:
        name = mountui.Textbox(label="Name")
        age = mountui.Number(label="Age", minimum=0, maximum=150, precision=0)
        color = mountui.Dropdown(["red", "green"], label="Color")
        out = mountui.Textbox()
        mountui.Button().click(lambda n, a, c: f"{n} {a} {c}", [name, age, color], out, api_name="describe")
    return live(demo, max_body_size=2048)


@pytest.mark.parametrize(
    ("body", "status", "code", "message"),
    [
        (
            {"data": ["Ann", 30]},
            400,
            "validation_error",
            "describe takes 3 value(s) (Name, Age, Color), got 2",
        ),
        ({"data": [5, 30, "red"]}, 400, "validation_error", "Name: Input should be a valid string"),
        ({"data": ["Ann", "30", "red"]}, 400, "validation_error", "Age: Input should be a valid number"),
        (
            {"data": ["Ann", 200, "red"]},
            400,
            "validation_error",
            "Age: Input should be less than or equal to 150",
        ),
        ({"data": ["Ann", 3, "blue"]}, 400, "validation_error", "Color: Input should be 'red' or 'green'"),
        ({"values": []}, 400, "validation_error", 'the body must be a JSON object {"data": [...]}'),
        (["Ann"], 400, "validation_error", 'the body must be a JSON object {"data": [...]}'),
    ],
)
def test_wrong_values_are_named_precisely(base, http, body, status, code, message):
    response = http.post(f"{base}/api/describe", json=body)
    assert response.status_code == status
    assert response.json() == {"error": {"code": code, "message": message}}


def test_good_values_still_work_after_bad_ones(base, http):
    http.post(f"{base}/api/describe", json={"data": [1, 2, 3]})
    assert http.post(f"{base}/api/describe", json={"data": ["Ann", 30, "red"]}).json() == {
        "data": ["Ann 30 red"]
    }


def test_invalid_json(base, http):
    response = http.post(
        f"{base}/api/describe", content=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_json"


def test_unknown_endpoint(base, http):
    response = http.post(f"{base}/api/nothing", json={"data": []})
    assert response.status_code == 404
    assert response.json()["error"] == {
        "code": "unknown_endpoint",
        "message": "no endpoint named 'nothing'; see the API page (docs)",
    }


def test_unknown_route_and_wrong_method(base, http):
    assert http.get(f"{base}/no/such/route").status_code == 404
    wrong = http.get(f"{base}/api/describe")
    assert wrong.status_code == 405 and wrong.json()["error"]["code"] == "method_not_allowed"


def test_body_over_the_limit_is_refused_before_reading(base, http):
    big = {"data": ["x" * 5000, 1, "red"]}
    response = http.post(f"{base}/api/describe", json=big)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


def test_chunked_body_over_the_limit_is_refused_while_reading(base, http):
    def chunks():
        yield b'{"data": ["'
        for _ in range(10):
            yield b"x" * 500
        yield b'", 1, "red"]}'

    response = http.post(
        f"{base}/api/describe", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413


def test_a_bad_session_header_is_refused(base, http):
    response = http.post(
        f"{base}/api/describe", json={"data": ["a", 1, "red"]}, headers={"X-MountUI-Session": "../../etc"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_session"


def test_unknown_event_id(base, http):
    response = http.get(f"{base}/api/events/doesnotexist")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"

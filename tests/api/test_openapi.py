"""P/openapi.json: valid OpenAPI 3.1, true to the running app (checked by schemathesis), under any mount."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import schemathesis
from api_apps import PASSWORD, SECRET_KEY, make_demo, mounted_host
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from schemathesis.checks import negative_data_rejection, response_schema_conformance

import mountui


def fuzz_demo() -> mountui.Blocks:
    """Every kind of input component, each endpoint quick and unable to fail on a valid input."""
    with mountui.Blocks(title="Fuzz") as demo:
        text = mountui.Textbox(label="Text", max_length=50)
        number = mountui.Number(label="Number", minimum=-5, maximum=5)
        slider = mountui.Slider(0, 3, step=1, label="Steps")
        check = mountui.Checkbox(label="Flag")
        one = mountui.Dropdown(["red", "green"], label="Colour")
        many = mountui.Dropdown(["a", "b", "c"], multiselect=True, label="Letters")
        radio = mountui.Radio([("One", 1), ("Two", 2)], label="Count")
        data = mountui.JSON(label="Data")
        chat = mountui.Chatbot(label="History")
        out = mountui.JSON(label="Echo")
        button = mountui.Button()

        def echo(*values: Any) -> list[Any]:
            return [str(v)[:20] for v in values]

        def steps(n: float) -> Any:
            for i in range(int(n)):
                yield [i]

        button.click(echo, [text, number, check, one, many, radio], out, api_name="echo")
        button.click(lambda d, h: [d, len(h)], [data, chat], out, api_name="data")
        button.click(steps, slider, out, api_name="steps")
    return demo


def documented_body(document: dict[str, Any]) -> Callable[..., None]:
    """A schemathesis check: the body matches the schema the document gives for that status and type.

    It stands in for schemathesis' own response_schema_conformance, which cannot read the `prefixItems`
    of OpenAPI 3.1 response schemas yet; this one validates with JSON Schema 2020-12, as 3.1 specifies.
    """

    def check(ctx: Any, response: Any, case: Any) -> None:
        responses = document["paths"][case.operation.path][case.method.lower()]["responses"]
        documented = responses.get(str(response.status_code))
        assert documented is not None, f"status {response.status_code} is not documented"
        if "$ref" in documented:
            documented = document["components"]["responses"][documented["$ref"].rsplit("/", 1)[-1]]
        media_type = response.headers.get("content-type", [""])[0].split(";")[0].strip()
        content = documented.get("content", {})
        assert media_type in content, f"{media_type!r} is not documented for {response.status_code}"
        if media_type == "application/json":
            schema = {**content[media_type]["schema"], "components": document["components"]}
            Draft202012Validator(schema).validate(response.json())

    return check


def test_the_app_keeps_the_promises_of_its_openapi_document(serve: Callable[..., str]) -> None:
    """No 5xx for any generated input; statuses, content types, headers and bodies as documented."""
    url = serve(fuzz_demo().build_app(default_concurrency_limit=None))
    api = schemathesis.openapi.from_url(url + "/openapi.json")
    body_check = documented_body(httpx.get(url + "/openapi.json").json())
    operations = [result.ok() for result in api.get_all_operations()]
    # echo, data, steps, events (get), cancel (delete); no upload: this app has no file input
    assert len(operations) == 5
    modes = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)
    for operation, mode in itertools.product(operations, modes):

        @given(case=operation.as_strategy(mode))
        @settings(
            max_examples=30,
            deadline=None,
            database=None,
            derandomize=True,  # the same examples on every run: a failure here is reproducible
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Any) -> None:
            excluded = [response_schema_conformance]
            if case.operation.path == "/upload":
                excluded.append(negative_data_rejection)  # any bytes, even "true", are a valid file
            case.call_and_validate(excluded_checks=excluded, additional_checks=[body_check])

        try:
            check()
        except Unsatisfiable:
            # Some operations (a path with one string parameter) admit no invalid request at all.
            assert mode is schemathesis.GenerationMode.NEGATIVE


@pytest.mark.parametrize("kind", ["open", "mounted", "password"])
def test_the_document_is_valid_openapi_3_1(serve: Callable[..., str], kind: str) -> None:
    if kind == "open":
        url = serve(make_demo().build_app()) + "/"
    elif kind == "mounted":
        url = serve(mounted_host(make_demo())) + "/ui/"
    else:
        url = serve(make_demo().build_app(auth=PASSWORD, secret_key=SECRET_KEY)) + "/"
    with httpx.Client() as client:
        if kind == "password":
            client.post(url + "login", data={"username": PASSWORD[0], "password": PASSWORD[1]})
        response = client.get(url + "openapi.json")
    assert response.status_code == 200
    document = response.json()
    validate(document)
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": url.rstrip("/")}]
    assert set(document["paths"]) >= {"/api/greet", "/api/count", "/upload", "/api/events/{event_id}"}
    assert not any("_event_" in path for path in document["paths"])


def test_request_and_result_schemas_follow_the_components(demo_url: str) -> None:
    document = httpx.get(demo_url + "openapi.json").json()
    greet = document["paths"]["/api/greet"]["post"]
    data = greet["requestBody"]["content"]["application/json"]["schema"]["properties"]["data"]
    assert data["prefixItems"] == [
        {"type": "string", "title": "Name"},
        {"anyOf": [{"type": "number"}, {"type": "null"}], "title": "Times"},
    ]
    assert data["minItems"] == data["maxItems"] == 2
    ok = greet["responses"]["200"]["content"]
    assert set(ok) == {"application/json", "text/event-stream"}
    assert ok["application/json"]["schema"]["properties"]["data"]["prefixItems"] == [
        {"type": "string", "title": "Greeting"}
    ]
    error = document["components"]["schemas"]["Error"]
    assert error["properties"]["error"]["required"] == ["code", "message"]
    assert greet["responses"]["400"] == {"$ref": "#/components/responses/E400"}
    # File parameters point to one shared schema of a file reference.
    reverse = document["paths"]["/api/reverse_file"]["post"]["requestBody"]["content"]["application/json"]
    item = reverse["schema"]["properties"]["data"]["prefixItems"][0]
    assert {"$ref": "#/components/schemas/FileRef"} in item["anyOf"]
    assert document["components"]["schemas"]["FileRef"]["required"] == ["id"]


def test_password_apps_document_their_session_cookie(password_url: str) -> None:
    with httpx.Client() as client:
        assert client.get(password_url + "openapi.json").status_code == 401
        client.post(password_url + "login", data={"username": PASSWORD[0], "password": PASSWORD[1]})
        document = client.get(password_url + "openapi.json").json()
        scheme = document["components"]["securitySchemes"]["session"]
        assert scheme["type"] == "apiKey" and scheme["in"] == "cookie"
        assert scheme["name"] in client.cookies  # the cookie the login really set
    assert document["security"] == [{"session": []}]
    assert "401" in document["paths"]["/api/greet"]["post"]["responses"]


def test_an_openapi_tool_can_call_the_app(mounted_url: str) -> None:
    # What a generated client does: read servers[0] and the operation, post the documented body.
    document = httpx.get(mounted_url + "openapi.json").json()
    server = document["servers"][0]["url"]
    path, operation = next((p, o["post"]) for p, o in document["paths"].items() if p == "/api/stats")
    assert operation["operationId"] == "stats"
    answer = httpx.post(server + path, json={"data": ["three little words"]})
    assert answer.status_code == 200
    assert answer.json() == {"data": [3, False, "THREE LITTLE WORDS"]}

"""The real browser through nginx under /apps/demo/: every asset loads, calls and streams work, sign-in too."""

from __future__ import annotations

import re

from playwright.sync_api import Page, Response, expect
from proxy_helpers import REMOTE_CLIENT, SECRET, USERS, Deployment
from proxy_scenarios import HTTP_SCENARIOS, SCENARIOS, Scenario, scenario_params


def open_page(page: Page, deployment: Deployment) -> list[Response]:
    """Open the app as a browser on the internet would; returns the growing list of responses it gets."""
    responses: list[Response] = []
    page.on("response", lambda response: responses.append(response))
    page.set_extra_http_headers({"X-Forwarded-For": REMOTE_CLIENT})
    page.goto(deployment.url)
    return responses


@scenario_params(SCENARIOS)
def test_the_page_loads_every_asset_and_runs_calls_and_streams(deploy, page: Page, scenario: Scenario):
    deployment = deploy(scenario)
    responses = open_page(page, deployment)

    expect(page).to_have_title("Proxy demo")
    page.get_by_label("Name").fill("Ada")
    page.get_by_role("button", name="Greet").click()
    expect(page.get_by_label("Greeting")).to_have_value("Hello, Ada!")

    page.get_by_role("button", name="Report").click()
    link = page.locator("a.mu-file-link")
    file_url = re.escape(f"{deployment.proxy}{deployment.base_path}/file/")
    expect(link).to_have_attribute("href", re.compile(f"^{file_url}"))
    assert page.evaluate("href => fetch(href).then(r => r.text())", link.get_attribute("href")) == (
        "Report for Ada\n"
    )

    page.get_by_role("button", name="Stream").click()
    expect(page.get_by_label("Ticks")).to_have_value("tick 1")  # while the function still waits
    deployment.gate.release.set()
    expect(page.get_by_label("Ticks")).to_have_value("tick 2")

    urls = [r.url for r in responses]
    assert [(r.status, r.url) for r in responses if r.status >= 400] == []
    assert any(re.search(r"/static/[^/]+\.js$", url) for url in urls), urls
    assert any(re.search(r"/static/[^/]+\.css$", url) for url in urls), urls
    # Nothing the page asked for escaped the prefix.
    assert [url for url in urls if not url.startswith(deployment.url)] == []


@scenario_params(HTTP_SCENARIOS)
def test_sign_in_and_sign_out_in_the_browser_stay_inside_the_prefix(deploy, page: Page, scenario: Scenario):
    deployment = deploy(scenario, auth=USERS, secret_key=SECRET)
    open_page(page, deployment)

    expect(page).to_have_url(re.compile(re.escape(f"{deployment.url}login?next=")))
    page.get_by_label("Username").fill(USERS[0][0])
    page.get_by_label("Password").fill(USERS[0][1])
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(deployment.url)
    page.get_by_label("Name").fill("Ada")
    page.get_by_role("button", name="Greet").click()
    expect(page.get_by_label("Greeting")).to_have_value("Hello, Ada!")

    page.goto(f"{deployment.url}logout")
    expect(page).to_have_url(re.compile(re.escape(f"{deployment.url}login")))
    page.goto(deployment.url)
    expect(page).to_have_url(re.compile(re.escape(f"{deployment.url}login?next=")))

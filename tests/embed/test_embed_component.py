"""`<mountui-app>` on another site's page: loaded lazily, styled in isolation, calling its own server."""

from __future__ import annotations

from embed_helpers import HostSite, component_page, on_host, tools_demo
from playwright.sync_api import Page, expect

import mountui as mu

WATCH_VALUES = """el => {
  window.seen = [];
  setInterval(() => { if (window.seen.at(-1) !== el.value) window.seen.push(el.value); }, 5);
}"""


def test_an_app_on_another_site_loads_when_scrolled_to_and_works(serve, sites) -> None:
    blog = HostSite()
    blog_url = on_host(serve(blog.app()), "blog")
    app_url = on_host(serve(tools_demo().build_app(allowed_origins=[blog_url])), "tools")
    spacer = '<div style="height: 2500px">Scroll down for the tools</div>'
    blog.pages["/"] = component_page(app_url, before=spacer, attributes='initial-height="420px"')
    page, watch = sites.page()
    page.goto(blog_url + "/")
    page.wait_for_function("customElements.get('mountui-app') !== undefined")
    page.evaluate(
        "window.renders = 0;"
        "document.querySelector('mountui-app').addEventListener('render', () => window.renders++)"
    )
    element = page.locator("mountui-app")
    page.wait_for_timeout(500)
    assert watch.requests_to("/config") == [], "nothing is fetched while the app is out of view"
    assert element.bounding_box()["height"] >= 420  # initial-height keeps its place meanwhile

    element.scroll_into_view_if_needed()
    expect(page.get_by_label("Name")).to_be_visible()
    page.wait_for_function("window.renders === 1")
    assert page.evaluate("performance.getEntriesByName('mountui:ready').length") == 1
    expect(page.get_by_text("Hosted at")).to_contain_text(app_url.split("//")[1])

    page.get_by_label("Name").fill("Ada")
    page.get_by_role("button", name="Greet").click()
    expect(page.get_by_label("Greeting")).to_have_value("Hello Ada")

    page.get_by_label("Counted").evaluate(WATCH_VALUES)
    page.get_by_role("button", name="Count").click()
    expect(page.get_by_label("Counted")).to_have_value("1 2 3 4")
    assert page.evaluate("window.seen").count("1 2") == 1, "partial results streamed in as they came"

    page.get_by_label("Document").set_input_files(
        files=[{"name": "notes.txt", "mimeType": "text/plain", "buffer": b"x" * 1000}]
    )
    expect(page.get_by_role("link", name="notes.txt")).to_be_visible()
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_label("Received")).to_have_value("received 1000 bytes")

    before = element.bounding_box()["height"]
    page.get_by_role("button", name="Grow").click()
    expect(page.get_by_text("Note 24")).to_be_visible()
    assert element.bounding_box()["height"] > before + 300, "the element grows with its content"
    assert watch.console_errors == [] and watch.page_errors == []


APP_STYLES = """root => {
  const app = root.shadowRoot;
  const pick = (el, names) => Object.fromEntries(names.map(n => [n, getComputedStyle(el).getPropertyValue(n)]));
  const text = ["font-family", "color", "letter-spacing", "text-transform", "font-size", "line-height"];
  const label = [...app.querySelectorAll("label")].find(l => l.textContent.trim() === "Name");
  return {
    shell: pick(app.querySelector(".mu-app"), [...text, "background-color", "box-sizing"]),
    button: pick([...app.querySelectorAll("button")].find(b => b.textContent === "Greet"),
                 [...text, "background-color", "border-radius", "padding-top", "box-sizing"]),
    input: pick(app.getElementById(label.htmlFor), [...text, "border-top-style", "border-top-width"]),
    label: pick(label, text),
  };
}"""
HOST_STYLES = """() => {
  const pick = (el, names) => Object.fromEntries(names.map(n => [n, getComputedStyle(el).getPropertyValue(n)]));
  const names = ["font-family", "color", "box-sizing", "margin-top", "background-color", "color-scheme",
                 "--mu-accent", "--mu-bg", "display"];
  return {
    root: pick(document.documentElement, names),
    body: pick(document.body, names),
    header: pick(document.querySelector("header"), names),
    button: pick(document.querySelector("body > p > button"), names),
  };
}"""
HOSTILE_CSS = (
    "<style>* { font-family: 'Comic Sans MS', cursive !important; color: rgb(255, 0, 0); letter-spacing: 4px;"
    " text-transform: uppercase; line-height: 3; font-size: 22px; box-sizing: content-box }"
    " button { background: rgb(0, 128, 0) !important; border-radius: 0 !important; padding: 30px }"
    " header { display: none } input { border: 5px dotted blue }"
    " :root { --mu-accent: rgb(255, 0, 255); --mu-bg: rgb(0, 0, 0); --mu-font: serif; --mu-text: red }</style>"
)


def _app_styles(page: Page, url: str) -> dict:
    page.goto(url)
    expect(page.get_by_label("Name")).to_be_visible()
    return page.locator("mountui-app").evaluate(APP_STYLES)


def test_host_css_and_app_css_cannot_touch_each_other(serve, sites) -> None:
    blog = HostSite()
    blog_url = on_host(serve(blog.app()), "blog")
    app_url = on_host(serve(tools_demo().build_app(allowed_origins=[blog_url])), "tools")
    blog.pages["/plain"] = component_page(app_url)
    blog.pages["/hostile"] = component_page(app_url, head=HOSTILE_CSS)
    blog.pages["/alone"] = component_page(head=HOSTILE_CSS)
    page, watch = sites.page()

    plain = _app_styles(page, blog_url + "/plain")
    hostile = _app_styles(page, blog_url + "/hostile")
    assert hostile == plain, "the host page's CSS restyled the app"
    assert plain["button"]["background-color"] != "rgb(0, 128, 0)"
    assert "Comic" not in plain["label"]["font-family"]

    with_app = page.evaluate(HOST_STYLES)
    page.goto(blog_url + "/alone")
    assert page.evaluate(HOST_STYLES) == with_app, "the app's CSS restyled the host page"
    assert with_app["button"]["box-sizing"] == "content-box" and with_app["root"]["--mu-bg"] == "rgb(0, 0, 0)"
    assert watch.page_errors == []


def test_two_apps_from_two_servers_on_one_page(serve, sites) -> None:
    blog = HostSite()
    blog_url = on_host(serve(blog.app()), "blog")
    english = on_host(serve(tools_demo().build_app(allowed_origins=[blog_url])), "english")
    french = tools_demo("Outils", greeting="Bonjour").build_app(allowed_origins=[blog_url])
    french_url = on_host(serve(french), "french")
    blog.pages["/"] = component_page(english, french_url, attributes="eager")
    page, watch = sites.page()
    page.goto(blog_url + "/")
    apps = page.locator("mountui-app")
    for index, name in enumerate(("Ada", "Bea")):
        apps.nth(index).get_by_label("Name").fill(name)
        apps.nth(index).get_by_role("button", name="Greet").click()
    expect(apps.nth(0).get_by_label("Greeting")).to_have_value("Hello Ada")
    expect(apps.nth(1).get_by_label("Greeting")).to_have_value("Bonjour Bea")
    assert len(watch.requests_to(f"{english}/api/greet")) == 1
    assert len(watch.requests_to(f"{french_url}/api/greet")) == 1
    assert watch.console_errors == [] and watch.page_errors == []


READ = """([url, init]) => fetch(url, {credentials: "include", ...init}).then(r => r.status, e => e.name)"""


def test_a_site_not_in_allowed_origins_is_refused_by_the_browser(serve, sites) -> None:
    blog, evil = HostSite(), HostSite()
    blog_url = on_host(serve(blog.app()), "blog")
    evil_url = on_host(serve(evil.app()), "evil")
    greeted: list[str] = []
    app_url = on_host(serve(tools_demo(greeted=greeted).build_app(allowed_origins=[blog_url])), "tools")
    blog.pages["/"] = evil.pages["/"] = component_page(app_url, attributes="eager")
    post = {"method": "POST", "headers": {"Content-Type": "application/json"}, "body": '{"data": ["x"]}'}

    page, watch = sites.page()
    page.goto(blog_url + "/")
    expect(page.get_by_label("Name")).to_be_visible()
    assert page.evaluate(READ, [f"{app_url}/config", {}]) == 200
    assert page.evaluate(READ, [f"{app_url}/api/greet", post]) == 200
    assert greeted == ["x"]

    page, watch = sites.page()
    page.goto(evil_url + "/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("customElements.get('mountui-app')") is None, "embed.js was refused"
    assert page.evaluate(READ, [f"{app_url}/config", {}]) == "TypeError"
    assert page.evaluate(READ, [f"{app_url}/api/greet", post]) == "TypeError"
    assert any("CORS" in error for error in watch.console_errors)
    assert greeted == ["x"], "the refused call never reached the function (its preflight was refused)"


def test_attributes_choose_the_theme_frame_footer_and_title(serve, sites) -> None:
    blog = HostSite()
    blog_url = on_host(serve(blog.app()), "blog")
    app_url = on_host(serve(tools_demo().build_app(allowed_origins=[blog_url])), "tools")
    blog.pages["/"] = component_page(app_url, attributes="eager")
    blog.pages["/bare"] = component_page(
        app_url, attributes='eager theme-mode="dark" container="false" info="false" control-page-title'
    )
    page, watch = sites.page()
    shell_background = "el => getComputedStyle(el.shadowRoot.querySelector('.mu-app')).backgroundColor"

    page.goto(blog_url + "/?__theme=dark")  # the host page's URL is the host's business, not the app's
    expect(page.get_by_label("Name")).to_be_visible()
    light = page.locator("mountui-app").evaluate(shell_background)
    expect(page.get_by_text("Hosted at")).to_be_visible()
    expect(page.get_by_text("Built with mountui")).to_be_visible()
    assert page.title() == "Host blog"

    page.goto(blog_url + "/bare")
    expect(page.get_by_label("Name")).to_be_visible()
    assert page.locator("mountui-app").evaluate(shell_background) != light
    expect(page.get_by_text("Hosted at")).to_have_count(0)
    expect(page.get_by_text("Built with mountui")).to_have_count(0)
    expect(page).to_have_title("Embedded tools")
    assert watch.console_errors == [] and watch.page_errors == []


def test_autoscroll_brings_the_outputs_into_view_when_a_call_ends(serve, sites) -> None:
    with mu.Blocks(title="Report") as demo:
        go = mu.Button("Go")
        mu.Markdown("\n\n".join(f"Paragraph {i}" for i in range(1, 60)))
        result = mu.Textbox(label="Result")
        go.click(lambda: "done", None, result)
    blog = HostSite()
    blog_url = on_host(serve(blog.app()), "blog")
    app_url = on_host(serve(demo.build_app(allowed_origins=[blog_url])), "tools")
    blog.pages["/still"] = component_page(app_url, attributes="eager")
    blog.pages["/scrolls"] = component_page(app_url, attributes="eager autoscroll")
    page, watch = sites.page()
    for path, scrolled in (("/still", False), ("/scrolls", True)):
        page.goto(blog_url + path)
        page.get_by_role("button", name="Go").click()
        expect(page.get_by_label("Result")).to_have_value("done")
        result = expect(page.get_by_label("Result"))
        if scrolled:
            result.to_be_in_viewport()
        else:
            page.wait_for_timeout(500)
            result.not_to_be_in_viewport()
    assert watch.console_errors == [] and watch.page_errors == []

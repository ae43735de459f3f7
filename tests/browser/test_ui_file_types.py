"""An uploaded file can never run as script on the app's own origin, though the page allows same-origin
scripts (`script-src 'self'`): not as a <script src>, not as a service worker."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

import mountui as mu

UPLOAD_AND_RUN = """async (source) => {
  const form = new FormData();
  form.append("files", new File([source], "x.js", {type: "text/javascript"}));
  const answer = await fetch("upload", {method: "POST", body: form});
  const url = (await answer.json()).files[0].url;
  const ran = await new Promise((resolve) => {
    const script = document.createElement("script");
    script.src = url;
    script.onload = () => resolve(window.uploadedScriptRan === true);
    script.onerror = () => resolve(false);
    document.head.append(script);
  });
  let worker;
  try {
    await navigator.serviceWorker.register(url);
    worker = "registered";
  } catch (error) {
    worker = error.name;
  }
  const download = await fetch(url);
  return {ran, worker, type: download.headers.get("content-type"), text: await download.text()};
}"""


@pytest.mark.allow_console_errors  # Chromium reports the refused script and worker in the console
def test_an_uploaded_script_never_runs_on_the_apps_origin(open_app, page: Page) -> None:
    with mu.Blocks() as demo:
        upload, out = mu.File(label="Upload"), mu.Textbox(label="Name")
        mu.Button("Name").click(lambda f: f.name, upload, out)
    open_app(demo)
    result = page.evaluate(UPLOAD_AND_RUN, "window.uploadedScriptRan = true;")
    assert result["ran"] is False
    assert result["worker"] == "SecurityError"
    assert result["type"] == "application/octet-stream"
    assert result["text"] == "window.uploadedScriptRan = true;"  # the bytes are still there to download
    assert page.evaluate("window.uploadedScriptRan") is None

"""The examples, tested as their users would test them: in-process, by label, with the `mountui_ui` fixture
that `pip install mountui` adds to pytest. Run them with `pytest examples/tests`.
"""

from __future__ import annotations

import pytest


def test_fastapi_mount_greets_and_counts(mountui_ui):
    from fastapi_mount import app

    ui = mountui_ui(app, "/ui")
    ui.fill("Name", "Ada")
    ui.fill("Enthusiasm", 2)
    ui.click("Greet")
    assert ui.value("Greeting") == "Hello, Ada!!"

    ui.fill("Name", "Grace")
    ui.submit("Name")  # Enter in the name box greets too
    assert ui.value("Greeting") == "Hello, Grace!!"

    ui.fill("Count to", 3)
    events = ui.click("Count")
    assert [e.data["data"][0] for e in events if e.kind == "output"] == ["1", "1 2", "1 2 3"]
    assert any(e.kind == "progress" for e in events)
    assert ui.value("Counted") == "1 2 3"


def test_fastapi_mount_shows_the_error_of_an_empty_name(mountui_ui):
    from fastapi_mount import app

    ui = mountui_ui(app, "/ui")
    ui.click("Greet")
    assert ui.error == "Please type a name first."
    assert ui.value("Greeting") == ""


def test_hello_launch_answers_and_fills_in_examples(mountui_ui):
    from hello_launch import demo

    ui = mountui_ui(demo)  # a Blocks is served alone, at "/"
    ui.fill("name", "Ada")
    ui.click("Submit")
    assert ui.value("output") == "Hello, Ada!"
    ui.use_example("Grace")
    ui.click("Submit")
    assert ui.value("output") == "Hello, Grace!"


def test_chat_streams_a_reply_and_counts_the_messages(mountui_ui):
    from chat import demo

    ui = mountui_ui(demo)
    assert ui.chat("hi") == "You said **hi**. That is message 1 of our chat."
    assert ui.chat("again") == "You said **again**. That is message 2 of our chat."
    assert [m["role"] for m in ui.value("Chat")] == ["user", "assistant", "user", "assistant"]
    assert ui.value("Message") == ""  # the input is cleared once the message is sent
    ui.click("Clear")
    assert ui.value("Chat") == []


def test_blocks_layout_describes_the_form(mountui_ui):
    from blocks_layout import demo

    ui = mountui_ui(demo)
    ui.fill("Name", "Ada")
    ui.fill("Age", 36)
    ui.select("Favourite colour", "red")
    ui.select("Likes", "tea")
    ui.check("Member")
    ui.click("Describe")
    assert ui.value("Summary") == {"name": "Ada", "age": 36, "color": "red", "likes": ["tea"], "member": True}


def test_blocks_layout_keeps_notes_per_tab(mountui_ui):
    from blocks_layout import demo

    ui = mountui_ui(demo)
    ui.fill("Note", "first")
    ui.submit("Note")
    ui.fill("Note", "second")
    ui.submit("Note")
    assert ui.text("#notes").splitlines() == ["first", "second"]
    assert ui.value("Note") == ""

    other = ui.open_tab()  # a second tab has its own State
    other.fill("Note", "elsewhere")
    other.submit("Note")
    assert other.text("#notes") == "elsewhere"


def test_blocks_layout_counts_the_words_of_an_uploaded_file(mountui_ui, tmp_path):
    from blocks_layout import demo

    text = tmp_path / "poem.txt"
    text.write_text("so much depends upon a red wheel barrow")
    ui = mountui_ui(demo)
    ui.upload("A text file", text)
    assert ui.value("A text file")["name"] == "poem.txt"
    assert ui.value("Count") == "8 words, 39 characters"
    ui.clear("A text file")
    assert ui.value("Count") == "No file."


def test_google_oauth_host_greets_a_signed_in_user(mountui_ui):
    import base64
    import json

    import google_oauth_host
    from itsdangerous import TimestampSigner

    # What the host's /auth callback stores after Google signed Ann in: its own signed session cookie.
    user = base64.b64encode(json.dumps({"user": {"email": "ann@example.com"}}).encode())
    cookie = TimestampSigner(google_oauth_host.SESSION_SECRET_KEY).sign(user).decode()
    ui = mountui_ui(google_oauth_host.app, "/ui", headers={"Cookie": f"session={cookie}"})
    assert ui.username == "ann@example.com"
    assert ui.text("Markdown") == "Welcome, ann@example.com!"


def test_google_oauth_host_asks_for_sign_in(mountui_ui):
    from google_oauth_host import app

    public = mountui_ui(app, "/login-demo")
    assert public.component("Sign in with Google").props["link"] == "/login"
    with pytest.raises(AssertionError, match="not signed in"):
        mountui_ui(app, "/ui")  # the main UI is for signed-in users only

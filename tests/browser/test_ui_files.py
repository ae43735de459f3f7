"""Uploads show their progress and become inputs; files the app returns download from `file/{id}`."""

from __future__ import annotations

import base64
import io
import wave
from pathlib import Path

from playwright.sync_api import Page, expect

import mountui as mu

# A 2x2 red PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEklEQVR4nGP4z8DAwMDAxMDAAAAZ3gL+9pDiNwAAAABJRU5ErkJggg=="
)

WATCH_UPLOAD = """() => {
  window.sawUpload = false;
  new MutationObserver(() => {
    const el = document.querySelector('.mu-upload');
    if (el && !el.hidden && el.textContent.includes('Uploading')) window.sawUpload = true;
  }).observe(document.body, {subtree: true, attributes: true, childList: true, characterData: true});
}"""


def test_upload_a_file_and_download_the_result(open_app, page: Page, tmp_path: Path) -> None:
    def shout(path):
        result = tmp_path / "loud.txt"
        result.write_text(Path(path).read_text().upper())
        return str(result)

    with mu.Blocks() as demo:
        upload = mu.File(label="Upload")
        result = mu.File(label="Result")
        mu.Button("Shout").click(shout, upload, result)
    open_app(demo)
    page.evaluate(WATCH_UPLOAD)
    payload = b"hello " * 200_000  # 1.2 MB: long enough to report progress
    page.get_by_label("Upload").set_input_files(
        files=[{"name": "hello.txt", "mimeType": "text/plain", "buffer": payload}]
    )
    uploaded = page.locator("mountui-file").first.get_by_role("link", name="hello.txt")
    expect(uploaded).to_be_visible()
    expect(uploaded).to_contain_text("1.1 MB")
    assert page.evaluate("window.sawUpload"), "upload progress was shown"

    page.get_by_role("button", name="Shout").click()
    link = page.locator("mountui-file").nth(1).get_by_role("link", name="loud.txt")
    expect(link).to_be_visible()
    with page.expect_download() as download:
        link.click()
    assert Path(download.value.path()).read_bytes() == payload.upper()
    assert download.value.suggested_filename == "loud.txt"

    page.get_by_role("button", name="Remove hello.txt").click()
    expect(uploaded).to_have_count(0)
    expect(page.locator("mountui-file").first.locator(".mu-drop")).to_be_visible()


def test_image_upload_shows_a_preview(open_app, page: Page) -> None:
    with mu.Blocks() as demo:
        picture = mu.Image(label="Picture")
        size = mu.Number(label="Bytes")
        picture.change(lambda path: Path(path).stat().st_size if path else None, picture, size)
    open_app(demo)
    page.get_by_label("Picture").set_input_files(
        files=[{"name": "red.png", "mimeType": "image/png", "buffer": PNG}]
    )
    image = page.get_by_role("img", name="red.png")
    expect(image).to_be_visible()
    assert image.evaluate("img => img.complete && img.naturalWidth") == 2
    expect(page.get_by_label("Bytes")).to_have_value(str(len(PNG)))


def test_several_files_at_once(open_app, page: Page) -> None:
    with mu.Blocks() as demo:
        files = mu.File(label="Files", file_count="multiple")
        count = mu.Number(label="How many")
        mu.Button("Count").click(lambda paths: len(paths), files, count)
    open_app(demo)
    page.get_by_role("button", name="Count").click()  # none chosen yet: an empty list
    expect(page.get_by_label("How many")).to_have_value("0")
    page.get_by_label("Files").set_input_files(
        files=[
            {"name": "a.txt", "mimeType": "text/plain", "buffer": b"a"},
            {"name": "b.txt", "mimeType": "text/plain", "buffer": b"b"},
        ]
    )
    expect(page.get_by_role("link", name="b.txt")).to_be_visible()
    page.get_by_role("button", name="Count").click()
    expect(page.get_by_label("How many")).to_have_value("2")


def half_second_wav() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(bytes((i * 7) % 256 for i in range(8000)))  # 4000 frames: 0.5 s
    return buffer.getvalue()


def test_audio_uploads_and_plays_what_the_function_returns(open_app, page: Page, tmp_path: Path) -> None:
    sound = half_second_wav()

    def keep(path: str) -> str:
        kept = tmp_path / "kept.wav"
        kept.write_bytes(Path(path).read_bytes())
        return str(kept)

    with mu.Blocks() as demo:
        voice = mu.Audio(label="Voice")
        played = mu.Audio(label="Played")
        mu.Button("Keep").click(keep, voice, played)
    open_app(demo)
    page.get_by_label("Voice").set_input_files(
        files=[{"name": "tone.wav", "mimeType": "audio/wav", "buffer": sound}]
    )
    expect(page.locator("mountui-audio").first.get_by_role("link", name="tone.wav")).to_be_visible()
    page.get_by_role("button", name="Keep").click()

    player = page.locator("mountui-audio").nth(1).locator("audio")
    expect(player).to_have_attribute("controls", "")
    expect(player).to_have_attribute("aria-label", "kept.wav")
    src = player.evaluate("audio => audio.currentSrc || audio.src")
    assert page.request.get(src).body() == sound
    # The browser itself loads it as sound: half a second long.
    page.wait_for_function("audio => audio.readyState >= 1", arg=player.element_handle(), timeout=10_000)
    assert abs(player.evaluate("audio => audio.duration") - 0.5) < 0.01

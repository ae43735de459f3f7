"""Audio: a sound file in (uploaded like File) and out (played by the page), with File's wire value."""

from __future__ import annotations

import io
import wave
from pathlib import Path

import pytest

import mountui


def tone_wav(frames: int = 800) -> bytes:
    """A short mono 8 kHz WAV: enough for a real audio file without shipping one."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(bytes((i * 7) % 256 for i in range(frames * 2)))
    return buffer.getvalue()


@pytest.fixture
def demo(tmp_path):
    def play_back(path: str) -> str:
        assert Path(path).read_bytes()[:4] == b"RIFF"
        return path

    def same_bytes(data: bytes) -> bytes:
        return data

    with mountui.Blocks() as blocks:
        voice, played = mountui.Audio(label="Voice"), mountui.Audio(label="Played")
        mountui.Button().click(play_back, voice, played, api_name="play_back")
        raw_in, raw_out = mountui.Audio(type="bytes"), mountui.Audio()
        mountui.Button().click(same_bytes, raw_in, raw_out, api_name="raw")
    return blocks


def upload(http, base, content: bytes) -> dict:
    answer = http.post(f"{base}/upload", files={"files": ("tone.wav", content, "audio/wav")})
    assert answer.status_code == 200, answer.text
    return answer.json()["files"][0]


def test_a_path_in_and_out_plays_back_the_same_bytes(live, http, demo):
    base = live(demo)
    sound = tone_wav()
    ref = upload(http, base, sound)
    answer = http.post(f"{base}/api/play_back", json={"data": [{"id": ref["id"]}]})
    assert answer.status_code == 200, answer.text
    value = answer.json()["data"][0]
    assert set(value) == {"id", "name", "size", "mime_type", "url"}
    assert value["name"] == "tone.wav" and value["size"] == len(sound)
    assert value["mime_type"].startswith("audio/")
    assert http.get(base + value["url"]).content == sound


def test_bytes_in_and_out(live, http, demo):
    base = live(demo)
    sound = tone_wav(100)
    ref = upload(http, base, sound)
    value = http.post(f"{base}/api/raw", json={"data": [{"id": ref["id"]}]}).json()["data"][0]
    assert value["size"] == len(sound)
    assert http.get(base + value["url"]).content == sound


def test_config_and_api_description(live, http, demo):
    base = live(demo)
    config = http.get(f"{base}/config").json()
    voice = next(c for c in config["components"] if c["type"] == "Audio")
    assert voice["props"]["file_types"] == ["audio/*"] and voice["value"] is None
    info = http.get(f"{base}/api_info").json()
    endpoint = next(e for e in info["endpoints"] if e["name"] == "play_back")
    (parameter,) = endpoint["parameters"]
    assert parameter["component"] == "Audio" and parameter["file"] == "single"
    assert parameter["example"] == "example.wav" and parameter["has_default"] is False
    assert endpoint["returns"][0]["file"] == "single"


def test_interface_shortcut():
    demo = mountui.Interface(lambda path: path, "audio", "audio")
    assert [type(c) for c in demo.dependencies[0].inputs] == [mountui.Audio]

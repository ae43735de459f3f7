"""The Python client against real servers: calls, streams, cancel, files, errors, sign-in, mounting."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

import pytest
from api_apps import PASSWORD, DroppingProxy, make_demo

import mountui
from mountui import Client


def test_predict_with_positional_and_keyword_arguments(demo_url: str) -> None:
    with Client(demo_url) as client:
        assert client.predict("Ada", 2, api_name="greet") == "Hello Ada! Hello Ada!"
        assert client.predict(name="Ada", times=1, api_name="/greet") == "Hello Ada!"
        # A parameter left out takes the value the page starts with (times = 1).
        assert client.predict(name="Bob", api_name="greet") == "Hello Bob!"


def test_several_outputs_come_back_as_a_tuple(demo_url: str) -> None:
    with Client(demo_url) as client:
        assert client.predict("two words", api_name="stats") == (2, False, "TWO WORDS")


def test_streaming_job_yields_partial_results_and_progress(demo_url: str) -> None:
    with Client(demo_url) as client:
        job = client.submit(3, api_name="count")
        assert list(job) == [[1], [1, 2], [1, 2, 3]]
        assert job.result() == [1, 2, 3]
        assert job.status().code == "finished"
        kinds = [u.kind for u in job.updates()]
        assert kinds[0] == "started" and kinds[-1] == "complete"
        progress = [u.status for u in job.updates() if u.kind == "progress"]
        assert [(p.index, p.total, p.desc) for p in progress] == [
            (1, 3, "counting"),
            (2, 3, "counting"),
            (3, 3, "counting"),
        ]


def test_a_plain_function_yields_its_result_once(demo_url: str) -> None:
    with Client(demo_url) as client:
        assert list(client.submit("Eve", api_name="greet")) == ["Hello Eve!"]


def test_cancel_stops_a_running_call(demo_url: str) -> None:
    with Client(demo_url) as client:
        job = client.submit(30, api_name="slow")
        for update in job.updates():
            if update.kind == "output":
                break
        assert job.status().code == "running"
        started = time.monotonic()
        assert job.cancel() is True
        with pytest.raises(mountui.JobCancelledError):
            job.result(timeout=10)
        assert time.monotonic() - started < 5
        assert job.status().code == "cancelled"
        assert job.cancel() is False  # already over
        # The endpoint (concurrency 1) is free again at once.
        assert client.predict(0, api_name="slow") == "done"


def test_files_go_up_from_a_path_or_bytes_and_come_back_as_local_paths(demo_url: str, tmp_path: Path) -> None:
    source = tmp_path / "note.txt"
    source.write_text("stressed")
    downloads = tmp_path / "downloads"
    with Client(demo_url, download_dir=downloads) as client:
        result = client.predict(str(source), api_name="reverse_file")
        assert Path(result).read_text() == "desserts"
        assert Path(result).is_relative_to(downloads)
        assert Path(result).name == "reversed-note.txt"
        from_bytes = client.predict(b"abc", api_name="reverse_file")
        assert Path(from_bytes).read_bytes() == b"cba"
        sizes = client.predict([source, b"12345"], api_name="sizes")
        assert sizes == {"note.txt": 8, "file": 5}


def test_a_missing_local_file_is_refused_before_sending(demo_url: str, tmp_path: Path) -> None:
    with Client(demo_url) as client, pytest.raises(mountui.ValidationError, match="no file at"):
        client.predict(str(tmp_path / "missing.txt"), api_name="reverse_file")


def test_validation_errors(demo_url: str) -> None:
    with Client(demo_url) as client:
        with pytest.raises(mountui.ValidationError) as caught:
            client.predict(42, api_name="greet")
        assert caught.value.status == 400 and caught.value.code == "validation_error"
        assert "Name" in caught.value.message
        with pytest.raises(mountui.ValidationError, match="no parameter"):
            client.predict(nickname="x", api_name="greet")
        with pytest.raises(mountui.ValidationError, match="needs a value for path"):
            client.predict(api_name="reverse_file")


def test_unknown_endpoints(demo_url: str) -> None:
    with Client(demo_url) as client:
        with pytest.raises(mountui.NotFoundError, match="no endpoint named 'nope'"):
            client.predict(api_name="nope")
        # A file id the server never issued.
        with pytest.raises(mountui.NotFoundError) as caught:
            client.predict({"id": "no-such-file-id"}, api_name="reverse_file")
        assert caught.value.code == "not_found"


def test_app_errors_carry_the_functions_message(demo_url: str) -> None:
    with Client(demo_url) as client:
        with pytest.raises(mountui.AppError, match="there is nothing to shout") as caught:
            client.predict("   ", api_name="shout")
        assert caught.value.code == "app_error"
        with pytest.raises(mountui.AppError) as crashed:
            client.predict("x", api_name="crash")
        assert crashed.value.code == "internal_error"
        assert "broke" not in crashed.value.message  # details stay in the server log


def test_payload_too_large(serve) -> None:
    url = serve(make_demo().build_app(max_body_size=1000, max_file_size=100)) + "/"
    with Client(url) as client:
        with pytest.raises(mountui.PayloadTooLargeError) as caught:
            client.predict("x" * 5000, api_name="greet")
        assert caught.value.status == 413
        with pytest.raises(mountui.PayloadTooLargeError):
            client.predict(b"y" * 1000, api_name="reverse_file")


def test_queue_full(serve) -> None:
    url = serve(make_demo().build_app(max_queue_size=1)) + "/"
    with Client(url) as client:
        running = client.submit(20, api_name="slow")
        next(u for u in running.updates() if u.kind == "started")  # so the second call has to wait
        waiting = client.submit(20, api_name="slow")
        assert next(u for u in waiting.updates() if u.kind == "queued").status.position == 0
        with pytest.raises(mountui.QueueFullError) as caught:
            client.predict(0, api_name="slow")
        assert caught.value.status == 503 and caught.value.code == "queue_full"
        assert waiting.cancel() and running.cancel()


def test_header_auth_for_auth_dependency_apps(header_url: str) -> None:
    with pytest.raises(mountui.AuthenticationError) as caught:
        Client(header_url)
    assert caught.value.status == 401
    with Client(header_url, headers={"Authorization": "Bearer tok-alice"}) as alice:
        assert alice.predict(api_name="whoami") == "alice"


def test_another_users_file_is_refused(header_url: str, tmp_path: Path) -> None:
    alice = Client(header_url, headers={"Authorization": "Bearer tok-alice"})
    bob = Client(header_url, headers={"Authorization": "Bearer tok-bob"})
    with alice, bob:
        uploaded = alice._send("POST", "upload", files=[("files", ("a.txt", b"private"))]).json()["files"][0]
        with pytest.raises(mountui.PermissionDeniedError) as caught:
            bob.predict({"id": uploaded["id"]}, api_name="reverse_file")
        assert caught.value.code == "forbidden"
        assert Path(alice.predict({"id": uploaded["id"]}, api_name="reverse_file")).read_bytes() == b"etavirp"


def test_password_login(password_url: str) -> None:
    with pytest.raises(mountui.AuthenticationError):
        Client(password_url)  # not signed in: 401 on the API description
    with Client(password_url, auth=PASSWORD) as client:
        assert client.predict(api_name="whoami") == "alice"
        assert client.predict("Al", api_name="greet") == "Hello Al!"


def test_wrong_password_then_rate_limit(password_url: str) -> None:
    # The app allows 3 failed sign-ins (max_login_attempts=3), then makes everyone wait.
    for _ in range(3):
        with pytest.raises(mountui.AuthenticationError, match="not accepted") as refused:
            Client(password_url, auth=("alice", "wrong"))
        assert refused.value.status == 401
    with pytest.raises(mountui.RateLimitError) as caught:
        Client(password_url, auth=PASSWORD)
    assert caught.value.status == 429
    assert caught.value.retry_after is not None and caught.value.retry_after > 0
    assert "try again in" in str(caught.value)


def test_a_ui_mounted_under_ui_of_fastapi(mounted_url: str, tmp_path: Path) -> None:
    assert mounted_url.endswith("/ui/")
    with Client(mounted_url, download_dir=tmp_path) as client:
        assert client.predict("Ui", api_name="greet") == "Hello Ui!"
        result = client.predict(b"olleh", api_name="reverse_file")
        assert Path(result).read_bytes() == b"hello"
        assert list(client.submit(2, api_name="count")) == [[1], [1, 2]]


def test_a_dropped_stream_is_resumed_with_last_event_id(demo_url: str, dropping_proxy) -> None:
    proxy: DroppingProxy = dropping_proxy(demo_url, b"event: output")
    with Client(f"http://127.0.0.1:{proxy.port}/") as client:
        job = client.submit(4, api_name="count")
        outputs = list(job)
    assert proxy.dropped.is_set()
    # Nothing lost, nothing twice: the events after the last one seen were replayed.
    assert outputs == [[1], [1, 2], [1, 2, 3], [1, 2, 3, 4]]
    assert job.result() == [1, 2, 3, 4]


def test_view_api_shows_every_endpoint(demo_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    with Client(demo_url) as client:
        client.view_api()
        text = capsys.readouterr().out
        assert "client.predict(name: str = '', times: float | None = 1, api_name=\"greet\") -> str" in text
        assert "Greet someone, once or several times." in text
        assert "client.submit(n: float = 3" in text
        assert "stats" in text and "(int | None, bool, str)" in text.replace("float | None", "int | None")
        assert "_event_" not in text  # api_name=False stays private
        assert client.view_api(print_info=False) + "\n" == text


def test_async_client(demo_url: str, tmp_path: Path) -> None:
    async def main() -> None:
        async with mountui.AsyncClient(demo_url, download_dir=tmp_path) as client:
            assert await client.predict("Ann", api_name="greet") == "Hello Ann!"
            job = await client.submit(3, api_name="count")
            assert [o async for o in job] == [[1], [1, 2], [1, 2, 3]]
            assert await job.result() == [1, 2, 3]
            path = await client.predict(b"xyz", api_name="reverse_file")
            assert Path(path).read_bytes() == b"zyx"
            slow = await client.submit(30, api_name="slow")
            assert await slow.cancel() is True
            with pytest.raises(mountui.JobCancelledError):
                await slow.result(timeout=10)
            with pytest.raises(mountui.AppError, match="nothing to shout"):
                await client.predict(" ", api_name="shout")

    asyncio.run(main())


def test_importing_mountui_does_not_load_httpx() -> None:
    code = (
        "import sys, mountui\n"
        "assert 'httpx' not in sys.modules, 'httpx loaded by import mountui'\n"
        "mountui.ClientError\n"
        "assert 'httpx' not in sys.modules, 'httpx loaded by the errors'\n"
        "mountui.Client\n"
        "assert 'httpx' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_downloads_stay_inside_the_download_folder(tmp_path) -> None:
    from mountui.client.protocol import download_target

    for file_id, name in (("..", "x"), ("../..", ".bashrc"), ("ok", "../../.bashrc"), (".", "..")):
        target = download_target(tmp_path, {"id": file_id, "name": name})
        assert target.resolve().is_relative_to(tmp_path.resolve())
        assert target.parent != tmp_path and not target.name.startswith(".")

"""AsyncClient against the demo app in-process (httpx.ASGITransport): results, streams, files, and each
refusal arriving as the exception class a user catches.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from client_demo import BASE, asgi_client, make_demo

import mountui
from mountui.client.files import download_target
from mountui.server.app import build_app


def test_predict_returns_one_value_or_a_tuple(with_client) -> None:
    async def main() -> None:
        async with with_client() as client:
            assert await client.predict("Ada", api_name="greet") == "Hello Ada!"
            assert await client.predict(name="Ada", api_name="/greet") == "Hello Ada!"
            assert await client.predict("two words", api_name="stats") == (2, "TWO WORDS")

    asyncio.run(main())


def test_submit_streams_partial_results_and_progress(with_client) -> None:
    async def main() -> None:
        async with with_client() as client:
            job = await client.submit(3, api_name="count")
            assert [output async for output in job] == [[1], [1, 2], [1, 2, 3]]
            assert await job.result() == [1, 2, 3]
            assert job.status().code == "finished" and job.done()
            assert job.outputs() == [[1], [1, 2], [1, 2, 3]]
            updates = [update async for update in job.updates()]
            assert updates[-1].kind == "complete"
            progress = [(u.status.index, u.status.total) for u in updates if u.kind == "progress"]
            # The server may merge progress reports that come quickly; the last one always arrives.
            assert progress[-1] == (3, 3) and progress == sorted(progress)
            assert await job.cancel() is False  # already over

    asyncio.run(main())


def test_files_go_up_and_come_back_as_local_paths(with_client, tmp_path: Path) -> None:
    source = tmp_path / "note.txt"
    source.write_text("stressed")

    async def main() -> None:
        async with with_client() as client:
            result = Path(await client.predict(source, api_name="reverse_file"))
            assert result.read_text() == "desserts"
            assert result.name == "reversed-note.txt"
            assert result.is_relative_to(client.download_dir)
            assert Path(await client.predict(b"abc", api_name="reverse_file")).read_bytes() == b"cba"

    asyncio.run(main())


def test_a_file_with_a_long_name_in_any_script_downloads(with_client, tmp_path: Path) -> None:
    source = tmp_path / ("日本語のファイル名" * 8 + ".txt")  # 72 characters, 216 bytes: fits on disk here
    source.write_text("stressed")

    async def main() -> None:
        async with with_client() as client:
            # "reversed-" + the name is over 200 bytes: the server cuts it by bytes, keeping the extension.
            result = Path(await client.predict(source, api_name="reverse_file"))
            assert result.read_text() == "desserts"
            assert result.suffix == ".txt" and len(result.name.encode("utf-8")) <= 200
            assert result.name.startswith("reversed-日本語")

    asyncio.run(main())


def test_refusals_raise_the_matching_client_errors(with_client) -> None:
    async def main() -> None:
        async with with_client(max_body_size=1000) as client:
            with pytest.raises(mountui.ValidationError) as invalid:
                await client.predict(42, api_name="greet")
            assert invalid.value.status == 400 and invalid.value.code == "validation_error"
            with pytest.raises(mountui.ValidationError, match="no parameter"):
                await client.predict(nickname="x", api_name="greet")
            with pytest.raises(mountui.NotFoundError, match="no endpoint named 'nope'"):
                await client.predict(api_name="nope")
            with pytest.raises(mountui.PayloadTooLargeError) as too_large:
                await client.predict("x" * 5000, api_name="greet")
            assert too_large.value.status == 413
            with pytest.raises(mountui.AppError, match="nothing to shout") as app_error:
                await client.predict(" ", api_name="shout")
            assert app_error.value.code == "app_error"
            with pytest.raises(mountui.AppError) as crashed:
                await client.predict("x", api_name="crash")
            assert crashed.value.code == "internal_error" and "broke" not in str(crashed.value)
            # Iterating a failed job raises too, after what it streamed.
            job = await client.submit(" ", api_name="shout")
            with pytest.raises(mountui.AppError):
                [output async for output in job]

    asyncio.run(main())


def test_every_client_error_is_a_mountui_error(with_client) -> None:
    async def main() -> None:
        async with with_client() as client:
            with pytest.raises(mountui.MountUIError):
                await client.predict(api_name="nope")

    asyncio.run(main())


def test_result_timeout_is_a_timeout_error_and_the_call_goes_on(with_client) -> None:
    async def main() -> None:
        async with with_client() as client:
            job = await client.submit(0.5, api_name="slow")
            with pytest.raises(TimeoutError) as caught:
                await job.result(timeout=0.01)
            assert isinstance(caught.value, mountui.JobTimeoutError)
            assert await job.result(timeout=10) == "done"

    asyncio.run(main())


def test_without_async_with_the_first_call_connects() -> None:
    async def main() -> None:
        app = build_app(make_demo())
        async with app.lifespan():
            client = mountui.AsyncClient(BASE, transport=httpx.ASGITransport(app=app))
            with pytest.raises(mountui.ClientError, match="not connected"):
                client.api
            assert await client.predict("Bo", api_name="greet") == "Hello Bo!"
            assert "greet" in client.api.endpoints
            await client.aclose()

    asyncio.run(main())


def test_a_refused_connection_fails_on_opening() -> None:
    async def refuse(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"error": {"code": "unauthorized", "message": "sign in first"}})

    async def main() -> None:
        with pytest.raises(mountui.AuthenticationError, match="sign in first"):
            async with mountui.AsyncClient(BASE, transport=httpx.MockTransport(refuse)):
                pass

    asyncio.run(main())


def test_an_httpx_client_passed_in_stays_open_for_its_owner() -> None:
    async def main() -> None:
        app = build_app(make_demo())
        async with app.lifespan(), httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as http:
            async with mountui.AsyncClient(BASE, httpx_client=http) as client:
                assert await client.predict("Cy", api_name="greet") == "Hello Cy!"
            assert not http.is_closed
            assert (await http.get(BASE + "healthz")).status_code == 200

    asyncio.run(main())


def test_options_that_cannot_work_together_are_refused_at_once() -> None:
    with pytest.raises(mountui.ConfigError, match="http:// or https://"):
        mountui.AsyncClient("example.com/ui")
    with pytest.raises(ValueError):  # ConfigError is a ValueError too, as the old bare ValueError was
        mountui.Client("ftp://example.com/ui")
    with pytest.raises(mountui.ConfigError, match="set headers on the httpx client"):
        mountui.AsyncClient(BASE, headers={"X": "1"}, httpx_client=httpx.AsyncClient())
    with pytest.raises(mountui.ConfigError, match=r"mountui\.AsyncClient"):
        mountui.Client(BASE, httpx_client=httpx.AsyncClient())  # type: ignore[arg-type]
    with pytest.raises(mountui.ConfigError, match=r"mountui\.Client"):
        mountui.AsyncClient(BASE, transport=httpx.HTTPTransport())  # type: ignore[arg-type]


def test_asgi_client_helper_runs_the_lifespan() -> None:
    async def main() -> None:
        async with asgi_client() as client:
            assert await client.predict("Di", api_name="greet") == "Hello Di!"

    asyncio.run(main())


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("語" * 150 + ".png", "語" * 65 + ".png"),
        ("../../.bashrc", "bashrc"),
        ("..", "file"),
        ("a\x00b", "ab"),
    ],
)
def test_a_name_a_server_sends_is_written_as_one_plain_file(tmp_path: Path, sent: str, kept: str) -> None:
    target = download_target(tmp_path, {"id": "abc", "name": sent})
    assert target == tmp_path / "abc" / kept
    target.parent.mkdir()
    target.write_bytes(b"ok")  # fits the disk's 255-byte limit


def test_a_server_that_is_stopping_raises_server_unavailable() -> None:
    async def main() -> None:
        app = build_app(make_demo())
        async with asgi_client(app) as client:
            assert await client.predict("Ada", api_name="greet") == "Hello Ada!"
            app.begin_shutdown()
            with pytest.raises(mountui.ServerUnavailableError) as refused:
                await client.predict("Ada", api_name="greet")
            assert refused.value.code == "shutting_down" and refused.value.status == 503
            assert isinstance(refused.value, mountui.MountUIError)

    asyncio.run(main())

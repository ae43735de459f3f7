"""Fixtures of the scale-out tests: one Redis and one cluster of uvicorn processes behind nginx, per module.

A test module sets, if it wants other than the defaults::

    CLUSTER_SIZE = 3          # uvicorn processes
    LEASE = 1.5               # worker_lease, seconds
    REDIS_APPENDONLY = False  # True: Redis keeps its data across `scale_redis.restart()`
    STORE_FROM_ENV = False    # True: the workers find Redis in MOUNTUI_STORE (the app passes no store=)
    SHARED_CLUSTER = True     # use the one cluster of the session (3 workers, lease 4 s) that modules
                              # whose tests leave it as they found it share

Their files live in a temporary directory of their own (not pytest's basetemp, which another pytest run on the
same machine may rotate away while these processes still use it), removed at the end of the module.
Starting the processes takes a few seconds, so they are shared by the tests of a module; a test that kills a
worker starts it again (`cluster.respawn`). When a test fails, the workers' and nginx's logs are added to
its report.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from scale_cluster import Cluster
from support.nginx import NGINX_PATH
from support.programs import require_program
from support.redis import REDIS_SERVER, RedisProcess


@pytest.fixture(scope="module")
def scale_dir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="mountui-scale-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def scale_redis(request: pytest.FixtureRequest, scale_dir: Path) -> Iterator[RedisProcess]:
    executable = require_program(REDIS_SERVER, "/usr/bin/redis-server", apt_package="redis-server")
    process = RedisProcess(
        workdir=scale_dir / "redis",
        executable=executable,
        appendonly=getattr(request.module, "REDIS_APPENDONLY", False),
    )
    process.start()
    try:
        yield process
    finally:
        process.stop()


def _start_cluster(workdir: Path, redis_url: str, size: int, lease: float, from_env: bool = False) -> Cluster:
    nginx = require_program("nginx", NGINX_PATH, apt_package="nginx")
    deployment = Cluster(workdir, redis_url, size=size, lease=lease, nginx=nginx, store_from_env=from_env)
    return deployment.start()


@pytest.fixture(scope="session")
def shared_cluster() -> Iterator[Cluster]:
    executable = require_program(REDIS_SERVER, "/usr/bin/redis-server", apt_package="redis-server")
    workdir = Path(tempfile.mkdtemp(prefix="mountui-scale-shared-"))
    redis = RedisProcess(workdir=workdir / "redis", executable=executable)
    redis.start()
    deployment = None
    try:
        deployment = _start_cluster(workdir / "cluster", redis.url, size=3, lease=4)
        yield deployment
    finally:
        if deployment is not None:
            deployment.stop()
        redis.stop()
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="module")
def cluster(request: pytest.FixtureRequest) -> Iterator[Cluster]:
    if getattr(request.module, "SHARED_CLUSTER", False):
        yield request.getfixturevalue("shared_cluster")
        return
    scale_dir, scale_redis = request.getfixturevalue("scale_dir"), request.getfixturevalue("scale_redis")
    size, lease = getattr(request.module, "CLUSTER_SIZE", 3), getattr(request.module, "LEASE", 1.5)
    from_env = getattr(request.module, "STORE_FROM_ENV", False)
    deployment = _start_cluster(scale_dir / "cluster", scale_redis.url, size, lease, from_env)
    try:
        yield deployment
    finally:
        deployment.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[pytest.TestReport]:
    report = yield
    deployment = getattr(item, "funcargs", {}).get("cluster")
    if report.failed and isinstance(deployment, Cluster):
        report.sections.append(("scale-out cluster logs", deployment.logs()))
    return report

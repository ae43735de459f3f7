"""Fixtures of the scale-out tests: one Redis and one cluster of uvicorn processes behind nginx, per module.

A test module sets, if it wants other than the defaults::

    CLUSTER_SIZE = 3          # uvicorn processes
    LEASE = 1.5               # worker_lease, seconds
    REDIS_APPENDONLY = False  # True: Redis keeps its data across `scale_redis.restart()`

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


@pytest.fixture(scope="module")
def cluster(request: pytest.FixtureRequest, scale_dir: Path, scale_redis: RedisProcess) -> Iterator[Cluster]:
    nginx = require_program("nginx", NGINX_PATH, apt_package="nginx")
    deployment = Cluster(
        workdir=scale_dir / "cluster",
        redis_url=scale_redis.url,
        size=getattr(request.module, "CLUSTER_SIZE", 3),
        lease=getattr(request.module, "LEASE", 1.5),
        nginx=nginx,
    )
    try:
        yield deployment.start()
    finally:
        deployment.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[pytest.TestReport]:
    report = yield
    deployment = getattr(item, "funcargs", {}).get("cluster")
    if report.failed and isinstance(deployment, Cluster):
        report.sections.append(("scale-out cluster logs", deployment.logs()))
    return report

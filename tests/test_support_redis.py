"""The `redis_server` fixture: a fresh, empty Redis on loopback for each test."""

import redis


def test_redis_server_is_empty_and_usable(redis_server):
    assert redis_server.startswith("redis://127.0.0.1:")
    client = redis.Redis.from_url(redis_server)
    try:
        assert client.ping()
        assert client.dbsize() == 0
        client.set("greeting", "hello", ex=60)
        assert client.get("greeting") == b"hello"
    finally:
        client.close()


def test_nothing_is_left_over_from_the_previous_test(redis_server):
    client = redis.Redis.from_url(redis_server)
    try:
        assert client.get("greeting") is None
    finally:
        client.close()

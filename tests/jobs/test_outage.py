"""When the queue's store (Redis) or the shared cache is down, nothing is lost and no page
fails: a job that could not be queued waits in its row and the next worker to start queues it;
the cache answers a miss and pages are rendered without it."""

from __future__ import annotations

import pytest
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from redis.exceptions import ConnectionError as RedisConnectionError

from oneworkforce.jobs import actions
from oneworkforce.web.cache import TolerantRedisCache

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


class Queue:
    """A stand-in for a task's queue that is unreachable until ``up`` is set."""

    def __init__(self) -> None:
        self.up = False
        self.queued: list[str] = []

    def __call__(self, job_id: str) -> None:
        if not self.up:
            raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379.")
        self.queued.append(job_id)


@pytest.mark.django_db
def test_a_job_that_cannot_be_queued_waits_and_is_queued_when_a_worker_starts(monkeypatch):
    from oneworkforce.jobs import tasks

    queue = Queue()
    monkeypatch.setitem(tasks.TASKS, "refresh", queue)
    job = actions.start("refresh", "analyst", "Results refresh", queue=False)
    assert actions.hand_over(queue, str(job.id)) is False  # Redis down: no error raised
    job.refresh_from_db()
    assert job.state == "queued"  # the row keeps it
    queue.up = True
    assert actions.requeue_waiting() == [str(job.id)]
    assert queue.queued == [str(job.id)]


def test_an_unreachable_redis_cache_answers_a_miss():
    cache = TolerantRedisCache(DEAD_REDIS, {"OPTIONS": {"socket_connect_timeout": 0.2}})
    assert cache.get("k") is None
    assert cache.get("k", "the default") == "the default"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.add("k", 1) is False
    cache.set("k", 1, DEFAULT_TIMEOUT)  # dropped, not raised
    cache.delete("k")
    assert cache.has_key("k") is False


@pytest.mark.django_db
def test_pages_and_sign_in_work_while_the_redis_cache_is_down(settings, client):
    from oneworkforce.web.accounts.service import create_user

    settings.CACHES = {
        "default": {
            "BACKEND": "oneworkforce.web.cache.TolerantRedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    create_user("ann", "viewer", password="a-long-test-password-1")
    signed_in = client.post(
        "/accounts/login/", {"username": "ann", "password": "a-long-test-password-1"}
    )
    assert signed_in.status_code == 302  # the session is a database row
    assert client.get("/accounts/").status_code == 200

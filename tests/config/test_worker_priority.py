"""Queue task processes run at a lower CPU priority than the web tier (django-q2's post_spawn signal)."""

from __future__ import annotations

import multiprocessing
import os

from django_q.signals import post_spawn


def _spawned(queue, increment: int) -> None:
    from django.conf import settings

    settings.Q_WORKER_NICE = increment
    before = os.nice(0)
    post_spawn.send(sender="django_q", proc_name="Process-1:1")  # what django_q.worker.worker sends
    queue.put((before, os.nice(0)))


def _nice_after_spawn(increment: int) -> tuple[int, int]:
    context = multiprocessing.get_context("fork")  # as django-q2 starts its workers
    queue = context.Queue()
    process = context.Process(target=_spawned, args=(queue, increment))
    process.start()
    result = queue.get(timeout=30)
    process.join(timeout=30)
    return result


def test_a_queue_task_process_lowers_its_own_cpu_priority():
    before, after = _nice_after_spawn(10)
    assert after == min(19, before + 10)
    assert os.nice(0) == before  # the parent (a web worker here) keeps its priority


def test_zero_leaves_the_priority_alone():
    before, after = _nice_after_spawn(0)
    assert after == before

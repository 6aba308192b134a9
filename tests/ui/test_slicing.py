"""Slices that give way: the command counter, the slice event and the engine's priority."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from ui.slicing import ENGINE_NICE
from ui.slicing import Commands
from ui.slicing import SliceEvent
from ui.slicing import background_priority


def test_commands_count_posted_until_started() -> None:
    commands = Commands()
    assert not commands.waiting
    commands.posted()
    commands.posted()
    commands.started()
    assert commands.waiting
    commands.started()
    assert not commands.waiting
    commands.started()  # a slot called directly, never posted: no debt
    commands.posted()
    assert commands.waiting


def test_slice_event_gives_way_to_a_waiting_command_after_one_step() -> None:
    commands = Commands()
    event = SliceEvent(threading.Event(), 60.0, commands)
    commands.posted()
    assert not event.is_set()  # the first step always runs: the queue moves on
    assert event.is_set()
    commands.started()
    assert not event.is_set()  # the slice's time is not up


def test_slice_event_ends_with_its_time_or_the_stop_event() -> None:
    stop = threading.Event()
    timed = SliceEvent(stop, 0.0)
    assert not timed.is_set()
    assert timed.is_set()
    stopped = SliceEvent(stop, 60.0)
    stop.set()
    assert stopped.is_set()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice is Linux's")
def test_background_priority_lowers_this_thread_and_the_threads_it_starts() -> None:
    seen: dict[str, int] = {}

    def child() -> None:
        seen["child"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    def engine() -> None:
        tid = threading.get_native_id()
        seen["before"] = os.getpriority(os.PRIO_PROCESS, tid)
        seen["lowered"] = int(background_priority())
        seen["after"] = os.getpriority(os.PRIO_PROCESS, tid)
        started = threading.Thread(target=child)
        started.start()
        started.join()

    main_before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    thread = threading.Thread(target=engine)
    thread.start()
    thread.join()
    assert seen["lowered"] == 1
    assert seen["after"] == max(seen["before"], ENGINE_NICE)
    assert seen["child"] == seen["after"]  # a model's thread pool inherits it
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == main_before

"""Ctrl-C at a command's safe points: noted while the command works, raised at once only while it waits."""

from __future__ import annotations

import os
import signal

import pytest

from workers.cli.interrupts import CtrlC


def test_ctrl_c_while_working_is_noted_not_raised() -> None:
    with CtrlC().installed() as ctrl_c:
        os.kill(os.getpid(), signal.SIGINT)
        assert ctrl_c.requested, "noted, and the work went on to this line"


def test_ctrl_c_while_waiting_ends_the_wait() -> None:
    with CtrlC().installed() as ctrl_c, pytest.raises(KeyboardInterrupt), ctrl_c.waiting():
        os.kill(os.getpid(), signal.SIGINT)
        signal.pause()  # a wait that only a signal ends
    assert ctrl_c.requested


def test_a_wait_after_ctrl_c_does_not_begin() -> None:
    with CtrlC().installed() as ctrl_c:
        os.kill(os.getpid(), signal.SIGINT)
        with pytest.raises(KeyboardInterrupt), ctrl_c.waiting():
            pytest.fail("the wait began although Ctrl-C came first")


def test_the_previous_handler_comes_back() -> None:
    before = signal.getsignal(signal.SIGINT)
    with CtrlC().installed():
        assert signal.getsignal(signal.SIGINT) is not before
    assert signal.getsignal(signal.SIGINT) is before

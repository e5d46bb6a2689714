"""Worker processes that die with the process that started them.

A pool worker waits on a queue whose pipe it holds both ends of, so when its parent is killed
(kill -9, the OOM killer) it never notices: it stays, with the model in memory, and keeps
multiprocessing's resource tracker alive too (the tracker exits once its last writer is gone).
Two guards, both set up first thing in the worker:

- the **lifeline**: a pipe whose write end only the parent holds. A thread in the worker
  blocks reading it; the kernel closes the parent's end when the parent dies, however it
  dies, and the read ends with EOF: the worker exits. This works wherever pipes do.
- on Linux also a **parent-death signal** (`prctl(PR_SET_PDEATHSIG, SIGKILL)`), which needs
  no thread. Linux sends it when the *thread* that started the worker ends, so it is only
  asked for when that thread was the main thread, which lives as long as the process.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
from multiprocessing.connection import Connection, Pipe

_PR_SET_PDEATHSIG = 1


class Lifeline:
    """The parent's side: `worker_end` goes to the worker (see `hold_on`); the parent keeps
    this object, and with it the write end, for as long as the worker should live."""

    def __init__(self) -> None:
        self.worker_end, self._parent_end = Pipe(duplex=False)
        self.parent_pid = os.getpid()
        # PR_SET_PDEATHSIG fires when the starting thread ends, not the process.
        self.signal_on_death = threading.current_thread() is threading.main_thread()

    def worker_args(self) -> tuple[Connection, int, bool]:
        """What the worker's initializer passes to `hold_on`."""
        return self.worker_end, self.parent_pid, self.signal_on_death

    def release(self) -> None:
        """Let go of both ends (after the worker has been stopped)."""
        self.worker_end.close()
        self._parent_end.close()


def hold_on(lifeline: Connection, parent_pid: int, signal_on_death: bool) -> None:
    """In the worker: exit as soon as the parent is gone (call first in the initializer)."""
    if signal_on_death and sys.platform.startswith("linux"):
        _parent_death_signal()
    watcher = threading.Thread(target=_watch, args=(lifeline,), name="lifeline", daemon=True)
    watcher.start()
    # The parent may have died before either guard was in place: then we are adopted.
    if os.getppid() != parent_pid:
        os._exit(1)


def _parent_death_signal() -> None:
    # Without prctl (an unusual libc) the lifeline thread still watches.
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _watch(lifeline: Connection) -> None:
    with contextlib.suppress(EOFError, OSError):
        lifeline.recv_bytes()  # the parent never writes: this returns only at its end
    os._exit(1)

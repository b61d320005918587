"""Run per-item work in a forked child process, beside the parent's own work.

A worker *thread* cannot overlap numpy work with a busy Python loop: the loop (matplotlib's
rendering, a Keras ``fit``) holds the interpreter lock nearly all the time, and the worker's many
short numpy calls each wait for it (beside a busy Python thread the GIF encoder ran 40x slower
than alone; nnviz's recording of a Keras step 3x slower, and ``fit`` 1.7x). A child process made
with ``os.fork`` has its own interpreter: it inherits the parent's objects as they are (a GIF
writer's palette and open temporary file; a callback's network and data), takes items through
shared memory (slots of an anonymous ``mmap``, each an array of one fixed shape and dtype), and
tells the parent through a pipe which slot it has finished with. Only on Linux (``fork``
elsewhere is missing or unsafe); on Python 3.12 and later only when the process has a single
thread. Used by the GIF writer (:mod:`nnviz.export.gif`) and the Keras callback
(:mod:`nnviz.integrations.keras`).

The child multiplies on one BLAS thread, without the OpenBLAS thread pool a fork makes anew and
whose threads would busy-wait beside it (:func:`nnviz.nn.threads.forked_on_one_blas_thread`),
and keeps the memory it frees (:mod:`nnviz.memory`). A child that has finished its work is
reaped without waiting for its exit (15 ms for the child of a large process, which unmaps what it
shared): by the next worker, or by the system when the parent ends.
"""

from __future__ import annotations

import logging
import mmap
import os
import select
import signal
import sys
import threading
import traceback
from typing import Callable

import numpy as np

from .memory import keep_freed_memory
from .nn.threads import forked_on_one_blas_thread

__all__ = ["ChildError", "ForkedWorker", "can_fork"]

logger = logging.getLogger(__name__)

_END = 255  # parent -> child: no more items, finish("close")
_ABORT = 254  # parent -> child: stop, finish("abort")
_STOPPED = 0x80  # child -> parent, on a slot's byte: work() returned False
_READY = b"R"  # child -> parent: start() is done
_DONE = b"D"  # child -> parent: everything written
_ERROR = b"E"  # child -> parent: an error message follows, then the pipe closes


class ChildError(RuntimeError):
    """The child process failed; ``kind`` and ``text`` are its exception's type name and message."""

    def __init__(self, what: str, kind: str, text: str):
        super().__init__(f"the {what} process failed: {kind}: {text}" if kind else f"the {what} process failed: {text}")
        self.kind, self.text = kind, text


def can_fork(alone: bool = False) -> bool:
    """True where :class:`ForkedWorker` may be used.

    ``alone``: only if this process runs a single thread, for a child that logs or prints (it
    must not inherit a lock another thread holds, nor a notebook kernel's output streams, which
    its threads serve). Setting ``NNVIZ_NO_FORK`` turns forking off.
    """
    if os.environ.get("NNVIZ_NO_FORK") or not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    return (sys.version_info < (3, 12) and not alone) or threading.active_count() == 1


class ForkedWorker:
    """``work(item)`` and ``finish(complete)`` in a child process, fed through shared memory.

    Parameters
    ----------
    shape : tuple of int
        The shape of every item, e.g. a frame's (H, W, 3).
    work : callable
        ``work(item)``, run in the child for each item (the item is the child's own copy); if it
        returns False, :attr:`stopped` becomes True in the parent a slot or two later.
    finish : callable
        ``finish(why)``, run in the child at the end: ``why`` is "close" (:meth:`close`), "abort"
        (:meth:`abort`) or "gone" (the parent's end of the pipe closed: the parent was killed).
    slots : int
        Items that may wait in shared memory.
    dtype : numpy dtype
        The items' dtype.
    start : callable, optional
        Run in the child before the first item. Its error is raised by the next :meth:`submit`
        or :meth:`close` (the constructor does not wait for it).
    what : str
        What the child is, in error messages ("encoder").
    keep_on_sigint : bool
        False: Ctrl-C ends the child at once (an encoder the parent discards anyway). True: the
        child ignores Ctrl-C and waits for the parent's :meth:`abort` or the end of its pipe, so
        that it can finish what it holds (a trace recorder marking its file interrupted).
    """

    def __init__(self, shape, work: Callable, finish: Callable, slots: int = 8, dtype=np.uint8,
                 start: Callable | None = None, what: str = "encoder", keep_on_sigint: bool = False) -> None:
        self.shape, self.dtype, self.what = tuple(int(s) for s in shape), np.dtype(dtype), what
        self.size = int(np.prod(self.shape))
        self.nbytes = self.size * self.dtype.itemsize
        self.slots = int(slots)
        if not 0 < self.slots < _STOPPED:
            raise ValueError(f"slots must be 1..{_STOPPED - 1}")
        self.stopped = False
        _reap_exited()
        self._buf = mmap.mmap(-1, self.slots * self.nbytes)
        to_child, self._tx = os.pipe()
        self._rx, from_child = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: work until told to stop, then leave without any clean-up
            code = 1
            try:
                forked_on_one_blas_thread()  # BLAS on one thread, without OpenBLAS's busy pool
                signal.signal(signal.SIGINT, signal.SIG_IGN if keep_on_sigint else signal.SIG_DFL)
                keep_freed_memory()  # the child is nnviz's own process (nnviz.memory)
                os.close(self._tx)
                os.close(self._rx)
                if start is not None:
                    start()
                    os.write(from_child, _READY)
                self._serve(to_child, from_child, work, finish)
                code = 0
            except BaseException:
                try:
                    os.write(from_child, _ERROR + traceback.format_exc().encode("utf-8", "replace")[-4000:])
                except BaseException:
                    pass
            finally:
                os._exit(code)
        os.close(to_child)
        os.close(from_child)
        self.pid = pid
        self._free = list(range(self.slots))
        self._closed = False

    # -- child ---------------------------------------------------------------
    def _serve(self, rx, tx, work, finish) -> None:
        stopped = 0
        while True:
            b = os.read(rx, 1)
            if not b or b[0] in (_END, _ABORT):
                break
            i = b[0]
            view = np.frombuffer(self._buf, self.dtype, self.size, i * self.nbytes).reshape(self.shape)
            item = view.copy()  # the slot is refilled as soon as it is handed back
            os.write(tx, bytes([i | stopped]))
            if work(item) is False:
                stopped = _STOPPED
        finish("gone" if not b else "close" if b[0] == _END else "abort")
        os.write(tx, _DONE)

    # -- parent --------------------------------------------------------------
    def _ack(self) -> bytes:
        b = os.read(self._rx, 1)
        if b == _ERROR or not b:
            rest = b""
            while True:
                chunk = os.read(self._rx, 65536)
                if not chunk:
                    break
                rest += chunk
            self._reap()
            lines = [ln for ln in rest.decode("utf-8", "replace").splitlines() if ln.strip()]
            kind, _, text = (lines[-1] if lines else ": it exited").partition(": ")
            raise ChildError(self.what, kind.rpartition(".")[2], text)
        if b not in (_READY, _DONE) and b[0] & _STOPPED:
            self.stopped = True
            b = bytes([b[0] & ~_STOPPED])
        return b

    def _take(self, b: bytes) -> None:
        if b not in (_READY, _DONE):
            self._free.append(b[0])

    def submit(self, item: np.ndarray) -> None:
        """Copy ``item`` into a free slot and hand it to the child (raises the child's error)."""
        while select.select([self._rx], [], [], 0)[0]:  # what the child said so far, without waiting
            self._take(self._ack())
        while not self._free:
            self._take(self._ack())
        i = self._free.pop()
        np.frombuffer(self._buf, self.dtype, self.size, i * self.nbytes)[:] = np.asarray(item, self.dtype).reshape(-1)
        self._send(i)

    def close(self) -> None:
        """Tell the child there are no more items and wait until it has finished."""
        self._end(_END)

    def abort(self) -> None:
        """Tell the child to stop (``finish("abort")``) and wait for it; never raises."""
        try:
            self._end(_ABORT)
        except (OSError, RuntimeError):
            self._reap()

    def _end(self, byte) -> None:
        if self._closed:
            return
        self._send(byte)
        while self._ack() != _DONE:
            pass
        self._reap(wait=False)  # its work is done; the exit of a large child takes 15 ms more

    def _send(self, byte: int) -> None:
        try:
            os.write(self._tx, bytes([byte]))
        except BrokenPipeError:  # the child has gone: its message (or "it exited") is in the pipe
            while True:
                self._ack()

    def kill(self) -> None:
        """Stop the child at once (an encoder whose output is discarded)."""
        if self._closed:
            return
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self._reap()

    def _reap(self, wait: bool = True) -> None:
        if self._closed:
            return
        self._closed = True
        for fd in (self._tx, self._rx):
            try:
                os.close(fd)
            except OSError:
                pass
        _EXITING.append(self.pid)
        _reap_exited(wait)
        self._buf.close()


#: Children that have finished their work and may still be exiting: reaped by the next
#: ForkedWorker (the exit of a child of a large process, unmapping what it shared, takes 15 ms).
_EXITING: list[int] = []


def _reap_exited(wait: bool = False) -> None:
    for pid in list(_EXITING):
        try:
            done, _ = os.waitpid(pid, 0 if wait else os.WNOHANG)
        except ChildProcessError:
            done = pid
        if done:
            _EXITING.remove(pid)

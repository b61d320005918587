"""Run a writer's per-frame encoding in a forked child process, beside the rendering.

A worker *thread* cannot overlap the GIF encoding with the rendering: the renderer (matplotlib)
holds the interpreter lock nearly all the time, and the encoder's many short numpy calls each wait
for it (beside a busy Python thread the GIF encoder ran 40x slower than alone). A child process
made with ``os.fork`` has its own interpreter: it inherits the writer as it is (palette, open
temporary file), takes frames through shared memory (slots of an anonymous ``mmap``), and tells
the parent through a pipe which slot it has finished with. Only on Linux (``fork`` elsewhere is
missing or unsafe); on Python 3.12 and later only when the process has a single thread.
"""

from __future__ import annotations

import logging
import mmap
import os
import signal
import sys
import threading
import traceback
from typing import Callable

import numpy as np

__all__ = ["ForkedEncoder", "can_fork"]

logger = logging.getLogger(__name__)

_END = 255  # parent -> child: no more frames
_DONE = b"D"  # child -> parent: everything written
_ERROR = b"E"  # child -> parent: an error message follows, then the pipe closes


def can_fork() -> bool:
    """True where :class:`ForkedEncoder` may be used."""
    if os.environ.get("NNVIZ_NO_FORK") or not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    return sys.version_info < (3, 12) or threading.active_count() == 1


class ForkedEncoder:
    """``encode(frame)`` and ``finish()`` of a child process, fed through shared memory.

    Parameters
    ----------
    shape : tuple of int
        The shape of every frame, (H, W, 3).
    encode : callable
        ``encode(frame)``, run in the child for each frame (the frame is the child's own copy).
    finish : callable
        Run in the child after the last frame (e.g. write the file's trailer and close it).
    slots : int
        Frames that may wait in shared memory.
    """

    def __init__(self, shape, encode: Callable, finish: Callable, slots: int = 8) -> None:
        self.shape = tuple(int(s) for s in shape)
        self.nbytes = int(np.prod(self.shape))
        self.slots = int(slots)
        self._buf = mmap.mmap(-1, self.slots * self.nbytes)
        to_child, self._tx = os.pipe()
        self._rx, from_child = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: encode until told to stop, then leave without any clean-up
            code = 1
            try:
                signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends it quietly
                os.close(self._tx)
                os.close(self._rx)
                self._serve(to_child, from_child, encode, finish)
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
    def _serve(self, rx, tx, encode, finish) -> None:
        while True:
            b = os.read(rx, 1)
            if not b or b[0] == _END:
                break
            i = b[0]
            view = np.frombuffer(self._buf, np.uint8, self.nbytes, i * self.nbytes).reshape(self.shape)
            frame = view.copy()  # the slot is refilled as soon as it is handed back
            os.write(tx, bytes([i]))
            encode(frame)
        finish()
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
            raise RuntimeError(f"the encoder process failed: {lines[-1] if lines else 'it exited'}")
        return b

    def submit(self, frame: np.ndarray) -> None:
        """Copy ``frame`` into a free slot and hand it to the child."""
        while not self._free:
            b = self._ack()
            if b != _DONE:
                self._free.append(b[0])
        i = self._free.pop()
        np.frombuffer(self._buf, np.uint8, self.nbytes, i * self.nbytes)[:] = frame.reshape(-1)
        os.write(self._tx, bytes([i]))

    def close(self) -> None:
        """Tell the child there are no more frames and wait until it has written everything."""
        if self._closed:
            return
        os.write(self._tx, bytes([_END]))
        while self._ack() != _DONE:
            pass
        self._reap()

    def kill(self) -> None:
        """Stop the child at once (abort)."""
        if self._closed:
            return
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self._reap()

    def _reap(self) -> None:
        if self._closed:
            return
        self._closed = True
        for fd in (self._tx, self._rx):
            try:
                os.close(fd)
            except OSError:
                pass
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass
        self._buf.close()

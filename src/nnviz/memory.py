"""Keep freed memory in the process for the next array, in processes that are nnviz's own.

nnviz's per-step and per-frame work makes and drops arrays of a few hundred kilobytes (a layer's
pre-activations on all of the digits, 1438 x 50; a 640x480 frame). glibc hands memory that large
back to the system when it is freed, and the next array of that size takes it again, one page
fault per 4 kB page: measured on the digits' hidden layer, the sigmoid took 1.08 ms, with 530
page faults, and 0.14 ms, with none, when freed memory is kept. :func:`keep_freed_memory` raises
glibc's thresholds for that (``mallopt``: arrays below 64 MB come from the heap, and the heap is
given back to the system when 256 MB of it are free).

Only for processes nnviz owns, where the trade (memory kept a little longer, for speed) is
nnviz's to make: the command line and the child processes of :mod:`nnviz.forked`. A program that
imports nnviz keeps its own allocator settings. Outside glibc (macOS, musl) it does nothing.
"""

from __future__ import annotations

import ctypes
import sys

__all__ = ["keep_freed_memory"]

_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's <malloc.h>
MMAP_THRESHOLD = 64 << 20
TRIM_THRESHOLD = 256 << 20


def keep_freed_memory() -> bool:
    """Raise glibc's mmap and trim thresholds in this process; True if they were set."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library the interpreter runs on
    except (OSError, AttributeError):  # not glibc
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))

"""Thread settings shared by training and rendering.

nnviz's matrix products are small (a 100-sample batch through a 64-50-10 network, a grid of
points through 50 hidden units). Multithreaded OpenBLAS makes them slower, and badly so when the
other core is busy: on the 2-core machine under load, training the ``digits`` preset took 30-81 s
with two BLAS threads and 12 s with one; a (19200, 2) @ (2, 50) product took 8 ms with two threads
and 0.5 ms with one.
"""

from __future__ import annotations

import contextlib

__all__ = ["single_threaded_blas"]


def single_threaded_blas():
    """A context manager running the BLAS on one thread (a no-op without threadpoolctl)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl is a dependency
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")

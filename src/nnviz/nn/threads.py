"""One BLAS thread for nnviz's small matrix products.

nnviz's networks are small: a training step or a frame is a few products of (n_samples, tens)
matrices. Multithreaded OpenBLAS makes those slower, badly so when the other cores are busy or
when another thread pool is loaded in the process. Measured on 2 cores: a (500, 64) @ (64, 64)
product and its transpose take 0.65 ms on one thread and 3.0 ms on two; after ``import torch``
(its OpenMP pool spins beside OpenBLAS's) 0.57 ms against 29 ms; a (19200, 2) @ (2, 50) product of
a boundary grid 0.5 ms against 8 ms; training the ``digits`` preset 12 s against 30-81 s. Used by
the trainer, the Recorder, the integrations, the layouts and the gallery.
"""

from __future__ import annotations

import contextlib

__all__ = ["load_controller", "one_blas_thread"]

_controller = None


def load_controller():
    """Find the process's BLAS libraries now (threadpoolctl's controller, cached): 5-40 ms, the
    more the more shared libraries are loaded (torch's). A process about to fork children that
    use :func:`one_blas_thread` calls it first, so that they inherit the controller."""
    global _controller
    if _controller is None:
        from threadpoolctl import ThreadpoolController

        _controller = ThreadpoolController()
    return _controller


def one_blas_thread():
    """A context manager limiting BLAS to one thread (12 us to enter with the cached controller)."""
    try:
        return load_controller().limit(limits=1, user_api="blas")
    except ImportError:  # pragma: no cover - threadpoolctl is a dependency
        return contextlib.nullcontext()

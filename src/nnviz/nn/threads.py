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

__all__ = ["forked_on_one_blas_thread", "load_controller", "one_blas_thread"]

_controller = None
_always_one = False  # set by forked_on_one_blas_thread()


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
    """A context manager limiting BLAS to one thread (12 us to enter with the cached controller,
    and as much to leave; nothing in a forked child that is on one thread for good)."""
    if _always_one:
        return contextlib.nullcontext()
    try:
        return load_controller().limit(limits=1, user_api="blas")
    except ImportError:  # pragma: no cover - threadpoolctl is a dependency
        return contextlib.nullcontext()


def forked_on_one_blas_thread() -> None:
    """In a child forked by :mod:`nnviz.forked`: BLAS on one thread for the rest of the process,
    and no OpenBLAS thread pool.

    A forked child starts OpenBLAS's pool anew when it first sets a thread count (threadpoolctl's
    limit does), and the new threads busy-wait for work: about 0.1 s of CPU each, on the core the
    parent needs, although the child multiplies on one thread (measured: a Keras run's recording
    process took 0.30 s of CPU, 0.16 s without them). So the limit is set once and the pool is
    shut down (each OpenBLAS library's ``blas_thread_shutdown_``; with one thread it is not made
    again), and :func:`one_blas_thread` does nothing from here on. Other BLAS libraries keep
    their limit only.
    """
    global _always_one
    try:
        controller = load_controller()
    except ImportError:  # pragma: no cover - threadpoolctl is a dependency
        return
    controller.limit(limits=1, user_api="blas")  # not undone: this process stays on one thread
    _always_one = True
    import ctypes

    for lib in controller.lib_controllers:
        if lib.internal_api == "openblas":
            try:
                ctypes.CDLL(lib.filepath).blas_thread_shutdown_()
            except (OSError, AttributeError):  # an OpenBLAS without it: its threads sleep in time
                pass

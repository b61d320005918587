"""nnviz: see a neural network learn.

A tracing trainer records every step of training a small numpy MLP into a trace file; renderers
turn traces into animations (GIF, MP4, stills, an HTML player) and manim scenes.

>>> import nnviz
>>> trace = nnviz.train("moons", trace="moons.h5")      # doctest: +SKIP
>>> trace.loss[-1], trace.params(trace.final_step)[0][0].shape   # doctest: +SKIP
"""

from ._version import __version__  # noqa: E402

from .trace import Recorder, Trace, TraceError, load_trace  # noqa: E402
from .train import train  # noqa: E402
from .landscape import landscape  # noqa: E402  (the function; the module stays nnviz.landscape in sys.modules)
from .sweeps import load_sweep, sweep  # noqa: E402

__all__ = ["__version__", "train", "sweep", "load_sweep", "Recorder", "load_trace", "Trace", "TraceError", "show",
           "animate", "landscape"]


def __getattr__(name):
    # nnviz.show / nnviz.animate (notebook display) load the rendering stack only when used
    if name in ("show", "animate"):
        from . import notebook

        return getattr(notebook, name)
    raise AttributeError(f"module 'nnviz' has no attribute {name!r}")

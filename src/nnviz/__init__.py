"""nnviz: see a neural network learn.

A tracing trainer records every step of training a small numpy MLP into a trace file; renderers
turn traces into animations (GIF, MP4, stills, an HTML player) and manim scenes.

>>> import nnviz
>>> trace = nnviz.train("moons", trace="moons.h5")      # doctest: +SKIP
>>> trace.loss[-1], trace.params(trace.final_step)[0][0].shape   # doctest: +SKIP

The names below load their modules when first used (``import nnviz`` alone imports neither numpy
nor h5py): a command that reads a trace does not load the trainer, and ``nnviz --help`` loads
nothing but click.
"""

import sys
import types

from ._lazy import lazy_names  # noqa: E402
from ._version import __version__  # noqa: E402

__all__ = ["__version__", "train", "sweep", "load_sweep", "Recorder", "load_trace", "Trace", "TraceError", "show",
           "animate", "landscape"]

#: public name -> the module that defines it
_HOME = {"train": ".train", "landscape": ".landscape", "Recorder": ".trace", "load_trace": ".trace",
         "Trace": ".trace", "TraceError": ".trace", "show": ".notebook", "animate": ".notebook",
         "sweep": ".sweeps", "load_sweep": ".sweeps"}


__getattr__, __dir__ = lazy_names(__name__, _HOME)


class _Package(types.ModuleType):
    # Importing a submodule sets the package's attribute of that name to the module; nnviz.train
    # and nnviz.landscape are the functions (their modules stay in sys.modules as nnviz.train and
    # nnviz.landscape).
    def __setattr__(self, name, value):
        if isinstance(value, types.ModuleType) and _HOME.get(name) == "." + name:
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

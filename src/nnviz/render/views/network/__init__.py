"""The network view (``--view network``, ``nnviz backprop``), split by job:

* :mod:`.view` -- the diagram: nodes, weighted edges, activations, errors and updates;
* :mod:`.phases` -- the sub-frames of one training step (forward, loss, backward, update);
* :mod:`.data` -- the numbers of one recorded step, read from the trace;
* :mod:`.numbers` -- how values print (3 significant digits, a true minus sign);
* :mod:`.captions` -- the caption of each sub-frame and the backprop equations panel;
* :mod:`.backprop` -- the movie of ``nnviz backprop`` (its frame keys through the pipeline).
"""

from .backprop import render_backprop
from .numbers import format_value, parse_values, sub, sup
from .phases import HOLD_SECONDS, PHASES, SubFrame, backprop_frames, next_params, phase_frames
from .data import StepData, read_step, resolved_loss
from .view import GRAD_COLORS, NetworkView

__all__ = ["NetworkView", "SubFrame", "phase_frames", "backprop_frames", "format_value", "parse_values",
           "next_params", "PHASES", "HOLD_SECONDS", "render_backprop", "GRAD_COLORS", "StepData",
           "resolved_loss", "sub", "sup"]

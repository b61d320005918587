"""BackpropFlow: forward pass, backward pass and update of a real network, then its training.

    manim -qh scenes/backprop.py BackpropFlow
    NNVIZ_TRACE=run.h5 manim -qh scenes/backprop.py BackpropFlow     # your own trace
    NNVIZ_PRESET=sample131 manim -ql scenes/backprop.py BackpropFlow  # train a preset first

The scene code lives in nnviz.scenes_lib.backprop; this file only makes it visible to manim.
"""

from nnviz.scenes_lib import backprop


class BackpropFlow(backprop.BackpropFlow):
    pass

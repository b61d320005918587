"""The model: a small numpy MLP (and a small CNN, :mod:`nnviz.nn.conv`) with hand-written backpropagation."""

from .activations import ACTIVATIONS, Activation, get_activation
from .conv import CNN
from .gradcheck import gradcheck
from .init import INITIALIZERS, initialize
from .losses import LOSSES, Loss, get_loss
from .mlp import MLP, BackwardPass, ForwardPass, forward_many
from .optim import OPTIMIZERS, make_optimizer

__all__ = [
    "ACTIVATIONS", "Activation", "get_activation", "LOSSES", "Loss", "get_loss", "INITIALIZERS",
    "initialize", "OPTIMIZERS", "make_optimizer", "MLP", "ForwardPass", "BackwardPass",
    "forward_many", "gradcheck", "CNN",
]

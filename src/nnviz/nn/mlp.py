"""A small multilayer perceptron with hand-written backpropagation.

Notation (seed 002, "Deriving the back propagation code for a multilayer perceptron model").
A network has layers ``l = 0, 1, ..., L``; layer 0 is the input. For ``l = 1 .. L``::

    z[l] = a[l-1] @ W[l] + b[l]        pre-activations,  shape (n_samples, n_l)
    a[l] = f_l(z[l])                   activations,      shape (n_samples, n_l)

with ``a[0] = X`` of shape (n_samples, n_0) and ``W[l]`` of shape (n_{l-1}, n_l). The network's output
is ``y = a[L]``. Every per-layer list in this module is indexed by that ``l``, so ``W[1]`` is the
first weight matrix, exactly as on the blackboard; index 0 holds ``None`` except for ``a[0] = X``.

Backpropagation computes ``delta[l] = dC/dz[l]`` from the top down with the four equations:

    (1) delta[L] = f_L'(z[L]) * dC/da[L]                         error at the output
    (2) delta[l] = f_l'(z[l]) * (delta[l+1] @ W[l+1].T)          error carried one layer down
    (3) dC/dW[l] = a[l-1].T @ delta[l]                            dC/dw_jk = a_k^{l-1} delta_j^l
    (4) dC/db[l] = sum over samples of delta[l]                   dC/db_j  = delta_j^l

``delta[l]`` here holds each sample's own error signal (the derivative of that sample's loss
``l_i``); the cost's mean over samples enters as the factor ``scale = 1/n`` in (3) and (4).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from .activations import Activation, get_activation
from .losses import FROM_LOGITS, Loss, get_loss

__all__ = ["MLP", "ForwardPass", "BackwardPass", "forward_many"]


@dataclass
class ForwardPass:
    """What the forward pass computes.

    Attributes
    ----------
    z : list
        ``z[l]`` is the pre-activation of layer ``l``, ndarray of shape (n_samples, n_l); ``z[0]`` is None.
    a : list
        ``a[l]`` is the activation of layer ``l``, ndarray of shape (n_samples, n_l); ``a[0]`` is the input X.
    """

    z: list
    a: list

    @property
    def output(self) -> np.ndarray:
        """The network's output ``y = a[L]``, shape (n_samples, n_L)."""
        return self.a[-1]


@dataclass
class BackwardPass:
    """What the backward pass computes (index 0 of every list is None).

    Attributes
    ----------
    delta : list
        ``delta[l]`` is each sample's error signal ``dl_i/dz[l]``, shape (n_samples, n_l).
    dW : list
        ``dW[l] = dC/dW[l]``, shape (n_{l-1}, n_l), L2 term included.
    db : list
        ``db[l] = dC/db[l]``, shape (n_l,), or None for a layer without bias.
    loss : float
        The cost ``C`` (loss plus L2 term) at the parameters used.
    """

    delta: list
    dW: list
    db: list
    loss: float = 0.0


# Output activation + loss pairs computed from the logits z[L] (nnviz.nn.losses.FROM_LOGITS). For a
# sigmoid with binary cross-entropy, dl/dy = (y - t) / (y (1 - y)) and f'(z) = y (1 - y): the product
# is y - t (the "canonical link"); the same holds for softmax with cross-entropy. The closed form, and
# the cost written as softplus(z) - t z (or logsumexp), stay exact when a probability saturates at 0
# or 1, so the reported cost and its gradient always agree.


class MLP:
    """A fully connected feed-forward network.

    Parameters
    ----------
    sizes : sequence of int
        Units per layer, input first: ``[2, 50, 1]`` is seed 003's network.
    activations : str or sequence of str
        One name per layer ``1..L`` (``len(sizes) - 1`` names), or a single name used for every
        hidden layer with ``output`` for the last one. Names come from
        :data:`nnviz.nn.activations.ACTIVATIONS`.
    output : str, default "identity"
        Output activation when ``activations`` is a single name.
    output_bias : bool, default True
        Whether the output layer has a bias (seed 003's network has none).

    Attributes
    ----------
    W : list
        ``W[l]`` is the weight matrix of layer ``l``, shape (n_{l-1}, n_l); ``W[0]`` is None.
    b : list
        ``b[l]`` is the bias of layer ``l``, shape (n_l,), or None; ``b[0]`` is None.
    f : list of Activation
        ``f[l]`` is the activation of layer ``l``; ``f[0]`` is None.
    """

    def __init__(
        self,
        sizes: Sequence[int],
        activations: str | Sequence[str] = "sigmoid",
        output: str = "identity",
        output_bias: bool = True,
    ):
        sizes = [int(s) for s in sizes]
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(f"sizes must list at least two positive layer sizes, got {sizes}")
        self.sizes = sizes
        L = self.L = len(sizes) - 1
        if isinstance(activations, str):
            names = [activations] * (L - 1) + [output]
        else:
            names = list(activations)
            if len(names) != L:
                raise ValueError(f"{L} layers need {L} activation names, got {len(names)}: {names}")
        self.f: list[Activation | None] = [None] + [get_activation(n) for n in names]
        self.output_bias = bool(output_bias)
        self.W: list = [None] + [np.zeros((sizes[l - 1], sizes[l])) for l in range(1, L + 1)]
        self.b: list = [None] + [np.zeros(sizes[l]) for l in range(1, L + 1)]
        if not output_bias:
            self.b[L] = None

    # ---------------------------------------------------------------- description
    @property
    def activation_names(self) -> list[str]:
        """Activation name of each layer ``1..L``."""
        return [f.name for f in self.f[1:]]

    def __repr__(self) -> str:
        arch = "-".join(map(str, self.sizes))
        return f"MLP({arch}, activations={self.activation_names}, output_bias={self.output_bias})"

    # ---------------------------------------------------------------- one layer, both directions
    def layer_forward(self, l: int, a_prev: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Forward rule of layer ``l``: ``z = a_prev @ W[l] + b[l]``, ``a = f_l(z)``."""
        z = a_prev @ self.W[l]
        if self.b[l] is not None:
            z += self.b[l]
        return z, self.f[l](z)

    def layer_backward(self, l, a_prev, z, a, dl_da, scale, delta=None):
        """Backward rule of layer ``l``, the mirror of :meth:`layer_forward`.

        Parameters
        ----------
        l : int
        a_prev, z, a : ndarray
            ``a[l-1]``, ``z[l]`` and ``a[l]`` from the forward pass.
        dl_da : ndarray of shape (n_samples, n_l)
            Each sample's ``dl_i/da[l]``: from the loss at the top, from the layer above otherwise.
        scale : float
            ``dC/dl_i`` (1/n for a mean loss, 1 for a sum).
        delta : ndarray of shape (n_samples, n_l), optional
            ``delta[l]`` when it is already known (an output layer whose eq. (1) has a closed form
            from the logits, such as ``y - t``); otherwise computed from ``dl_da``.

        Returns
        -------
        delta, dW, db, dl_da_prev
            ``delta[l]``; the gradients of ``W[l]`` and ``b[l]`` (without L2); and ``dl/da[l-1]``,
            the sum ``sum_k delta_k^l w_jk^l`` that the layer below multiplies by its own ``f'``.
        """
        if delta is None:
            delta = self.f[l].backward(z, a, dl_da)  # eq. (1) at the top, eq. (2) below it
        dW = scale * (a_prev.T @ delta)  # eq. (3)
        db = scale * delta.sum(axis=0) if self.b[l] is not None else None  # eq. (4)
        dl_da_prev = delta @ self.W[l].T
        return delta, dW, db, dl_da_prev

    # ---------------------------------------------------------------- whole network
    def forward(self, X: np.ndarray) -> ForwardPass:
        """Run the network on ``X`` of shape (n_samples, n_0), keeping every ``z[l]`` and ``a[l]``."""
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[1] != self.sizes[0]:
            raise ValueError(f"X must have shape (n_samples, {self.sizes[0]}), got {X.shape}")
        z, a = [None], [X]
        for l in range(1, self.L + 1):
            zl, al = self.layer_forward(l, a[l - 1])
            z.append(zl)
            a.append(al)
        return ForwardPass(z, a)

    def backward(self, fp: ForwardPass, T: np.ndarray, loss: str | Loss, l2: float = 0.0) -> BackwardPass:
        """Backpropagate the error of targets ``T`` (n_samples, n_L) through a forward pass.

        The cost is ``C = reduce_i l(y_i, t_i) + (l2 / 2) * sum_l ||W[l]||^2`` (biases are not
        regularised), so the L2 term adds ``l2 * W[l]`` to each weight gradient (seed 002's
        ``dWh += lmbd * hidden_weights``).
        """
        loss = get_loss(loss) if isinstance(loss, str) else loss
        T = np.asarray(T, dtype=float)
        L, y = self.L, fp.output
        if T.shape != y.shape:
            raise ValueError(f"targets have shape {T.shape}, the network outputs {y.shape}")
        n = y.shape[0]
        scale = loss.scale(n)
        delta, dW, db = [None] * (L + 1), [None] * (L + 1), [None] * (L + 1)

        logits = FROM_LOGITS.get((self.f[L].name, loss.name))
        dl_da = None if logits else loss.grad(y, T)  # each sample's dl_i/dy_i: where the backward pass starts
        for l in range(L, 0, -1):
            # a from-logits pair's eq. (1) in closed form, e.g. delta[L] = y - t (see FROM_LOGITS above)
            known = logits.delta(fp.z[L], y, T) if l == L and logits else None
            delta[l], dW[l], db[l], dl_da = self.layer_backward(
                l, fp.a[l - 1], fp.z[l], fp.a[l], dl_da, scale, delta=known
            )
            if l2:
                dW[l] = dW[l] + l2 * self.W[l]

        return BackwardPass(delta, dW, db, self.cost(fp, T, loss, l2))

    def cost(self, fp: ForwardPass, T: np.ndarray, loss: str | Loss, l2: float = 0.0) -> float:
        """The cost ``C = reduce_i l(y_i, t_i) + (l2 / 2) * sum_l ||W[l]||^2`` of a forward pass
        against targets T (from the logits where the output and loss allow it: exact at saturation)."""
        loss = get_loss(loss) if isinstance(loss, str) else loss
        C = loss.cost(fp.output, np.asarray(T, dtype=float), fp.z[self.L], self.f[self.L].name)
        if l2:
            C += 0.5 * l2 * sum(float(np.sum(self.W[l] ** 2)) for l in range(1, self.L + 1))
        return C

    def __call__(self, X: np.ndarray) -> np.ndarray:
        """The network's output for ``X`` (n_samples, n_0): ndarray of shape (n_samples, n_L)."""
        a = np.asarray(X, dtype=float)
        for l in range(1, self.L + 1):
            a = self.layer_forward(l, a)[1]
        return a

    predict = __call__

    def loss_and_grads(self, X, T, loss, l2: float = 0.0) -> BackwardPass:
        """Forward and backward in one call; returns the :class:`BackwardPass`."""
        return self.backward(self.forward(X), T, loss, l2)

    # ---------------------------------------------------------------- parameters
    def params(self) -> list[tuple[np.ndarray, np.ndarray | None]]:
        """``[(W[1], b[1]), ..., (W[L], b[L])]`` (the arrays themselves, not copies)."""
        return [(self.W[l], self.b[l]) for l in range(1, self.L + 1)]

    def set_params(self, params: Sequence[tuple[np.ndarray, np.ndarray | None]]) -> "MLP":
        """Set all weights and biases from ``[(W1, b1), ...]`` (copied, shapes checked)."""
        if len(params) != self.L:
            raise ValueError(f"expected {self.L} (W, b) pairs, got {len(params)}")
        for l, (W, b) in enumerate(params, start=1):
            W = np.array(W, dtype=float)
            if W.shape != self.W[l].shape:
                raise ValueError(f"W[{l}] must have shape {self.W[l].shape}, got {W.shape}")
            self.W[l] = W
            if self.b[l] is not None:
                b = np.array(b, dtype=float).reshape(-1)
                if b.shape != (self.sizes[l],):
                    raise ValueError(f"b[{l}] must have shape ({self.sizes[l]},), got {b.shape}")
                self.b[l] = b
        return self

    def param_list(self) -> list[np.ndarray]:
        """All parameter arrays in a fixed order: W[1], b[1], W[2], b[2], ... (no-bias layers skipped)."""
        out = []
        for l in range(1, self.L + 1):
            out.append(self.W[l])
            if self.b[l] is not None:
                out.append(self.b[l])
        return out

    @staticmethod
    def grad_list(bp: BackwardPass) -> list[np.ndarray]:
        """Gradients in the order of :meth:`param_list`."""
        out = []
        for l in range(1, len(bp.dW)):
            out.append(bp.dW[l])
            if bp.db[l] is not None:
                out.append(bp.db[l])
        return out

    def get_flat(self) -> np.ndarray:
        """All parameters as one vector (order of :meth:`param_list`)."""
        return np.concatenate([p.ravel() for p in self.param_list()])

    def set_flat(self, theta: np.ndarray) -> "MLP":
        """Set all parameters from one vector (order of :meth:`param_list`)."""
        i = 0
        for l in range(1, self.L + 1):
            n = self.W[l].size
            self.W[l] = np.array(theta[i : i + n], dtype=float).reshape(self.W[l].shape)
            i += n
            if self.b[l] is not None:
                n = self.b[l].size
                self.b[l] = np.array(theta[i : i + n], dtype=float)
                i += n
        if i != len(theta):
            raise ValueError(f"parameter vector has {len(theta)} entries, the network {i}")
        return self

    @classmethod
    def from_sklearn(cls, estimator) -> "MLP":
        """The network of a fitted scikit-learn ``MLPClassifier`` or ``MLPRegressor`` (weights copied)."""
        from .frameworks import sklearn_network

        sizes, activations, params = sklearn_network(estimator)
        return cls(sizes, activations).set_params(params)

    @classmethod
    def from_torch(cls, model) -> "MLP":
        """The network of a ``torch.nn.Sequential`` of ``Linear`` layers and activations (weights
        copied as float64 and transposed to (n_in, n_out)); a ``LogSoftmax`` output becomes softmax."""
        from .frameworks import torch_layers, torch_params

        layers = torch_layers(model)
        sizes = [layers[0][0].in_features] + [lin.out_features for lin, _ in layers]
        acts = [act.replace("log_softmax", "softmax") for _, act in layers]
        return cls(sizes, acts, output_bias=layers[-1][0].bias is not None).set_params(torch_params(layers))

    @classmethod
    def from_keras(cls, model) -> "MLP":
        """The network of a built Keras model of ``Dense`` layers (weights copied as float64; Keras
        kernels are already (n_in, n_out)). The model as it is: a linear output stays identity."""
        from .frameworks import keras_layers, keras_params

        layers = keras_layers(model)
        sizes = [int(layers[0][0].kernel.shape[0])] + [int(d.kernel.shape[1]) for d, *_ in layers]
        acts = [act for _, act, _ in layers]
        return cls(sizes, acts, output_bias=layers[-1][0].use_bias).set_params(keras_params(layers))

    def copy(self) -> "MLP":
        """An independent copy."""
        m = MLP(self.sizes, self.activation_names, output_bias=self.output_bias)
        return m.set_params([(W.copy(), None if b is None else b.copy()) for W, b in self.params()])


def forward_many(X: np.ndarray, Ws: Sequence[np.ndarray], bs: Sequence[np.ndarray | None],
                 activations: Sequence[str], layer: int | None = None, block_bytes: int = 2**18) -> np.ndarray:
    """Evaluate the network at many training steps in one vectorised call.

    Renderers use this to draw, e.g., the decision boundary for 120 frames at once.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_0)
    Ws : list of ndarray
        ``Ws[l-1]`` holds ``W[l]`` at every step: shape (n_steps, n_{l-1}, n_l).
    bs : list of ndarray or None
        ``bs[l-1]`` holds ``b[l]`` at every step: shape (n_steps, n_l), or None for no bias.
    activations : list of str
        Activation name of each layer 1..L.
    layer : int, optional
        Stop after this layer and return its activations (default: the output layer L).
    block_bytes : int
        Samples are processed in blocks whose widest activation takes about this many bytes.

    Returns
    -------
    ndarray of shape (n_steps, n_samples, n_layer)
    """
    X = np.asarray(X)
    last = len(Ws) if layer is None else layer
    # z is this function's own temporary: activations that can overwrite it do
    fs = [act.f_inplace or act.f for act in (get_activation(name) for name in activations[:last])]
    n_steps, n = len(Ws[0]), len(X)
    width = max(W.shape[-1] for W in Ws[:last])
    rows = max(256, block_bytes // (X.itemsize * width))  # samples per block
    out = None
    # One BLAS matrix product per step, layer and block of samples: for the tall, thin matrices of
    # a grid of input points this is faster than numpy's stacked matmul. Blocks of about 256 kB
    # stay in the CPU cache and their memory is reused from one block to the next (temporaries of
    # a MB or more go back to the operating system when freed and come back as fresh pages:
    # 3-4x slower, measured with 21280 grid points x 50 ReLUs).
    Ws, bs = list(Ws), list(bs)
    if bs[0] is not None:
        # Layer 1's bias rides along as one more row of W[1], against a column of ones in X:
        # z[1] = [X, 1] @ [W[1]; b[1]], one product instead of a product and a pass adding b[1]
        X = np.hstack([X, np.ones((n, 1), X.dtype)])
        Ws[0] = np.concatenate([Ws[0], bs[0][:, None, :]], axis=1)
        bs[0] = None
    for s in range(n_steps):
        for r in range(0, n, rows):
            a = X[r: r + rows]
            for l in range(1, last + 1):
                z = a @ Ws[l - 1][s]
                if bs[l - 1] is not None:
                    z += bs[l - 1][s]
                a = fs[l - 1](z)
            if out is None:
                out = np.empty((n_steps, n, a.shape[1]), dtype=a.dtype)
            out[s, r: r + rows] = a
    return out

"""Record a PyTorch training loop into an nnviz trace.

::

    from nnviz.integrations.torch import TorchRecorder
    with TorchRecorder(model, X, y, loss="mse", trace="torch.h5", record="all", steps=500) as rec:
        for k in range(501):
            opt.zero_grad()
            loss_fn(model(X), y).backward()
            rec.step(k)            # after backward(), before opt.step(): W(k) and its gradient
            if k < 500:
                opt.step()
    nnviz animate torch.h5 -o torch.gif

The model is a ``torch.nn.Sequential`` of ``Linear`` layers and activations
(:mod:`nnviz.nn.frameworks` lists them). Weights are stored transposed into nnviz's (n_in, n_out)
layout, as float64. torch's own gradients (``.grad``) are stored as the step's ``dW, db``; nnviz
also backpropagates the same parameters itself (for z, a, delta) and keeps the largest difference,
which ``nnviz info`` shows ("torch gradients agree with nnviz's backprop to 3e-16"; a float32
model agrees to about 1e-7, its precision). Losses: ``MSELoss``, ``BCELoss`` (Sigmoid output),
``BCEWithLogitsLoss`` and ``CrossEntropyLoss`` (on logits: nnviz draws the sigmoid or softmax the
loss applies as the network's output), ``NLLLoss`` after ``LogSoftmax``; reduction "mean".

A convolutional ``Sequential`` (``Conv2d``, ``MaxPool2d``, ``Flatten``, ``Linear`` and activations,
:data:`nnviz.nn.frameworks.TORCH_CONV_LAYERS`) is recorded as an nnviz :class:`~nnviz.nn.conv.CNN`;
X is then images (n, C, H, W) and conv filters keep PyTorch's layout (out, in, kh, kw)::

    model = nn.Sequential(nn.Conv2d(1, 10, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                          nn.Linear(160, 50), nn.ReLU(), nn.Linear(50, 10))
    with TorchRecorder(model, X, y, loss=nn.CrossEntropyLoss(), trace="cnn.h5", steps=1400) as rec: ...
"""

from __future__ import annotations

import numpy as np

from ..nn.frameworks import (TORCH_LOSSES, UnsupportedModel, is_torch_cnn, torch_conv_grads, torch_conv_layers,
                              torch_conv_params, torch_grads, torch_layers, torch_params)
from ..trace.recorder import Recorder

__all__ = ["TorchRecorder"]


def _array(a):
    return a.detach().cpu().numpy() if hasattr(a, "detach") else np.asarray(a)


def _loss_name(loss):
    name = loss if isinstance(loss, str) else type(loss).__name__
    if name not in TORCH_LOSSES:
        valid = ", ".join(k for k in TORCH_LOSSES if k[0].isupper())
        raise UnsupportedModel(f"loss {name!r}: nnviz records {valid} (or 'mse', 'bce', 'bce_with_logits', "
                               "'cross_entropy', 'nll')")
    if not isinstance(loss, str):
        if getattr(loss, "reduction", "mean") != "mean":
            raise UnsupportedModel(f"{name}(reduction={loss.reduction!r}): nnviz records mean losses")
        for attr in ("weight", "pos_weight"):
            if getattr(loss, attr, None) is not None:
                raise UnsupportedModel(f"{name}({attr}=...): nnviz records unweighted losses")
        if getattr(loss, "label_smoothing", 0.0):
            raise UnsupportedModel(f"{name}(label_smoothing=...): nnviz records plain cross-entropy")
    return name


class TorchRecorder:
    """Record a PyTorch loop: you call ``rec.step(k)`` after ``backward()`` and before ``opt.step()``.

    Parameters
    ----------
    model : torch.nn.Sequential
        Linear layers and activations; or Conv2d, MaxPool2d, Flatten, Linear layers and activations.
    X : tensor or array of shape (n_samples, n_inputs), or (n_samples, C, H, W) for a CNN
    y : tensor or array
        The targets as the loss sees them: values (MSE), 0/1 (BCE), class indices (cross-entropy).
    loss : str or torch.nn loss module
        ``"mse"``, ``"bce"``, ``"bce_with_logits"``, ``"cross_entropy"``, ``"nll"`` or the module.
    trace : str or Path
        The trace file to write.
    record : str
        Recording schedule (``all``, ``every:K``, ``log2``, ``auto``, ...).
    steps : int, optional
        The number of updates, if known.
    lr : float, optional
        The learning rate; read from ``optimizer`` when given.
    optimizer : torch.optim.Optimizer, optional
        Its class name and learning rate are stored.
    **options
        Passed to :class:`nnviz.trace.Recorder` (``X_test``, ``y_test``, ``probe``, ``name``, ...).
    """

    def __init__(self, model, X, y, loss="mse", trace="torch.h5", record="auto", steps=None, lr=None,
                 optimizer=None, **options):
        self.conv = is_torch_cnn(model)
        if self.conv:
            self.layers, self.modules = torch_conv_layers(model)
            acts = [layer["activation"] for layer in self.layers if "activation" in layer]
        else:
            self.layers = torch_layers(model)
            acts = [act for _, act in self.layers]
        name = _loss_name(loss)
        nn_loss, output_rule = TORCH_LOSSES[name]
        last = acts[-1]
        if output_rule == "sigmoid" and last != "sigmoid":
            raise UnsupportedModel(f"{name} needs a Sigmoid after the last Linear (or use BCEWithLogitsLoss)")
        if output_rule == "log_softmax" and last != "log_softmax":
            raise UnsupportedModel(f"{name} needs a LogSoftmax after the last Linear")
        if output_rule and output_rule.startswith("logits->"):
            if last == "log_softmax" and output_rule == "logits->softmax":
                pass  # softmax(log_softmax(z)) = softmax(z): the same probabilities
            elif last != "identity":
                raise UnsupportedModel(f"{name} applies the {output_rule[8:]} itself: the model must end with "
                                       f"its last Linear (it ends with {last})")
            acts[-1] = output_rule[8:]
        if acts[-1] == "log_softmax":
            if nn_loss != "cross_entropy":
                raise UnsupportedModel("a LogSoftmax output is recorded with NLLLoss or CrossEntropyLoss")
            acts[-1] = "softmax"  # nnviz draws the probabilities; NLL of log-softmax = cross-entropy
        if optimizer is not None and lr is None:
            lr = optimizer.param_groups[0].get("lr")
        X = _array(X)
        if self.conv:
            from ..nn.conv import CNN

            if X.ndim != 4:
                raise UnsupportedModel(f"a convolutional model takes images: give X of shape (n, channels, height, "
                                       f"width), got {X.shape}")
            self.layers[-1]["activation"] = acts[-1]  # the output as nnviz draws it (e.g. softmax of the logits)
            network = CNN(X.shape[1:], self.layers)
            self.float32 = str(self.modules[0].weight.dtype) == "torch.float32"
            arch = {"network": network}
            options.setdefault("name", "torch CNN")
        else:
            lin0 = self.layers[0][0]
            self.float32 = str(lin0.weight.dtype) == "torch.float32"
            sizes = [lin0.in_features] + [lin.out_features for lin, _ in self.layers]
            arch = {"sizes": sizes, "activations": acts, "output_bias": self.layers[-1][0].bias is not None}
            options.setdefault("name", f"torch {'-'.join(map(str, sizes))}")
        self.recorder = Recorder(trace, X, _array(y), loss=nn_loss, lr=lr, record=record, steps=steps,
                                 source="torch float32" if self.float32 else "torch",
                                 optimizer=f"torch {type(optimizer).__name__}" if optimizer is not None else "torch",
                                 **arch, **options)

    def step(self, k, loss=None, lr=None) -> bool:
        """Record step ``k``: the model's parameters now and, if ``backward()`` has run, their ``.grad``.

        ``loss`` (a float or a 0-d tensor) is compared with nnviz's. Returns False when the loss is
        not finite (stop training).
        """
        if self.conv:
            params, grads = torch_conv_params(self.modules), torch_conv_grads(self.modules)
        else:
            params, grads = torch_params(self.layers), torch_grads(self.layers)
        if loss is not None:
            loss = float(_array(loss))
        return self.recorder.step(k, params, grads=grads, loss=loss, lr=lr)

    def close(self):
        """Record the last step in full and close the trace."""
        self.recorder.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return self.recorder.__exit__(*exc)

    @property
    def trace(self):
        """The recorded run (closes the recorder first)."""
        return self.recorder.trace

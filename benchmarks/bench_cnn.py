"""Speed of nnviz's convolutional network (nnviz.nn.conv) on seed 002's digits CNN.

1. One epoch of ``digits-cnn`` (14 minibatches of 100 of the 1,438 training digits), with
   nnviz's im2col convolution against the same epoch with two naive convolutions, in this one
   process: the ratios. "textbook": loops over samples, filters and output pixels, one patch dot
   product each (timed once, on the bare loop: it is slow); "loop over pixels": a loop over the
   output pixels only, each one small product vectorised over samples and filters. Two epochs are timed: the bare training loop (forward, backward and
   update of each minibatch) and ``nnviz.train`` (which also evaluates the loss and accuracy on
   all training and test digits at every step). Target: under 2 s per epoch.
2. Recording overhead: ``nnviz.train("digits-cnn", steps=140)`` recording tensors every 10 steps
   (filters, gradients, the 16 probe digits' maps and deltas) against recording none
   (scalars only). Target: at most 1.5x.

Best of ``--repeat`` runs, interleaved.

    .venv/bin/python benchmarks/bench_cnn.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import contextlib
import tempfile
import time
from pathlib import Path

import numpy as np

import nnviz
from nnviz.build import build, resolve_config
from nnviz.nn import conv
from nnviz.nn.threads import one_blas_thread
from nnviz.train import optimizer_for


def naive_conv2d_forward(x, W, b, pad):
    """z[:, :, i, j] for one output pixel (i, j) at a time."""
    n, C, H, Wd = x.shape
    F, _, k, _ = W.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    Ho, Wo = H + 2 * pad - k + 1, Wd + 2 * pad - k + 1
    z = np.empty((n, F, Ho, Wo))
    Wf = W.reshape(F, -1).T
    for i in range(Ho):
        for j in range(Wo):
            z[:, :, i, j] = xp[:, :, i:i + k, j:j + k].reshape(n, -1) @ Wf + b
    return z


def naive_conv2d_backward(x, delta, W, pad, need_dx=True):
    """dW, db, dx accumulated one output pixel at a time."""
    n, C, H, Wd = x.shape
    F, _, k, _ = W.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dW, dxp = np.zeros_like(W), np.zeros_like(xp)
    Wf = W.reshape(F, -1)
    for i in range(delta.shape[2]):
        for j in range(delta.shape[3]):
            d = delta[:, :, i, j]  # (n, F)
            dW += (d.T @ xp[:, :, i:i + k, j:j + k].reshape(n, -1)).reshape(W.shape)
            if need_dx:
                dxp[:, :, i:i + k, j:j + k] += (d @ Wf).reshape(n, C, k, k)
    dx = dxp[:, :, pad:pad + H, pad:pad + Wd] if need_dx else None
    return dW, delta.sum(axis=(0, 2, 3)), dx


def textbook_conv2d_forward(x, W, b, pad):
    """The textbook loops: every sample, filter and output pixel, one patch dot product each."""
    n, C, H, Wd = x.shape
    F, _, k, _ = W.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    Ho, Wo = H + 2 * pad - k + 1, Wd + 2 * pad - k + 1
    z = np.empty((n, F, Ho, Wo))
    for s in range(n):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    z[s, f, i, j] = np.sum(xp[s, :, i:i + k, j:j + k] * W[f]) + b[f]
    return z


def textbook_conv2d_backward(x, delta, W, pad, need_dx=True):
    n, C, H, Wd = x.shape
    F, _, k, _ = W.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dW, dxp = np.zeros_like(W), np.zeros_like(xp)
    for s in range(n):
        for f in range(F):
            for i in range(delta.shape[2]):
                for j in range(delta.shape[3]):
                    d = delta[s, f, i, j]
                    dW[f] += d * xp[s, :, i:i + k, j:j + k]
                    if need_dx:
                        dxp[s, :, i:i + k, j:j + k] += d * W[f]
    dx = dxp[:, :, pad:pad + H, pad:pad + Wd] if need_dx else None
    return dW, delta.sum(axis=(0, 2, 3)), dx


@contextlib.contextmanager
def naive_convolution(forward=naive_conv2d_forward, backward=naive_conv2d_backward):
    fast = conv.conv2d_forward, conv.conv2d_backward
    conv.conv2d_forward, conv.conv2d_backward = forward, backward
    try:
        yield
    finally:
        conv.conv2d_forward, conv.conv2d_backward = fast


def bare_epoch():
    """14 minibatch SGD steps of digits-cnn: forward, backward, update."""
    cfg = resolve_config("digits-cnn")
    ds, model, loss = build(cfg)
    t = cfg["train"]
    opt, rng = optimizer_for(t), np.random.default_rng(0)
    order = rng.permutation(len(ds.X))
    start = time.perf_counter()
    with one_blas_thread():
        for s in range(len(ds.X) // 100):
            idx = order[s * 100:(s + 1) * 100]
            bp = model.loss_and_grads(ds.X[idx], ds.y[idx], loss, t["l2"])
            opt.step(model.param_list(), model.grad_list(bp))
    return time.perf_counter() - start


def train(tmp, steps, record):
    start = time.perf_counter()
    nnviz.train("digits-cnn", trace=tmp / "cnn.h5", steps=steps, record=record).close()
    return time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp())
    best = {}

    def keep(name, value):
        best[name] = min(best.get(name, np.inf), value)

    check = resolve_config("digits-cnn")
    ds, model, _ = build(check)
    x = model.images(ds.X[:50])
    z = conv.conv2d_forward(x, model.W[1], model.b[1], 1)
    assert np.allclose(z, naive_conv2d_forward(x, model.W[1], model.b[1], 1), atol=1e-12)
    d = np.random.default_rng(0).normal(size=z.shape)
    assert np.allclose(z[:3], textbook_conv2d_forward(x[:3], model.W[1], model.b[1], 1), atol=1e-12)
    for a, b, c in zip(conv.conv2d_backward(x, d, model.W[1], 1), naive_conv2d_backward(x, d, model.W[1], 1),
                       textbook_conv2d_backward(x, d, model.W[1], 1)):
        assert np.allclose(a, b, atol=1e-12) and np.allclose(a, c, atol=1e-12)
    with naive_convolution(textbook_conv2d_forward, textbook_conv2d_backward):
        keep("bare epoch, textbook loops (sample, filter, pixel)", bare_epoch())  # once: it is slow
    for _ in range(args.repeat):
        keep("bare epoch, nnviz im2col", bare_epoch())
        keep("nnviz.train epoch (14 steps), nnviz im2col", train(tmp, 14, "none"))
        with naive_convolution():
            keep("bare epoch, naive loop over pixels", bare_epoch())
            keep("nnviz.train epoch (14 steps), naive loop over pixels", train(tmp, 14, "none"))
        keep("140 steps, scalars only (record none)", train(tmp, 140, "none"))
        keep("140 steps, tensors every 10 steps", train(tmp, 140, "every:10"))
    for name, value in best.items():
        print(f"{name:58s} {value:7.3f} s")
    ratio = best["bare epoch, textbook loops (sample, filter, pixel)"] / best["bare epoch, nnviz im2col"]
    print(f"bare epoch: im2col is x{ratio:.0f} faster than the textbook loops over samples, filters and pixels")
    for what in ("bare epoch", "nnviz.train epoch (14 steps)"):
        ratio = best[f"{what}, naive loop over pixels"] / best[f"{what}, nnviz im2col"]
        print(f"{what}: im2col is x{ratio:.1f} faster than the naive convolution; "
              f"{best[f'{what}, nnviz im2col']:.2f} s per epoch (target < 2 s)")
    overhead = best["140 steps, tensors every 10 steps"] / best["140 steps, scalars only (record none)"]
    print(f"recording tensors every 10 steps costs x{overhead:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()

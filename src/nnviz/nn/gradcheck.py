"""Check backpropagation against central finite differences."""

from __future__ import annotations

import numpy as np

__all__ = ["gradcheck"]


def gradcheck(model, X, T, loss: str, l2: float = 0.0, h: float = 1e-6) -> float:
    """Largest relative error between backprop and central differences over all parameters.

    For each parameter theta_i, the numerical derivative is
    ``(C(theta + h e_i) - C(theta - h e_i)) / (2 h)``; the relative error is
    ``|num - bp| / max(1e-8, |num| + |bp|)``. Values below ~1e-6 mean backprop is right.

    Parameters
    ----------
    model : MLP or CNN
        Left unchanged.
    X : ndarray of shape (n_samples, n_0) (a CNN's images as rows or (n, C, H, W))
    T : ndarray of shape (n_samples, n_L)
    loss : str
    l2 : float
    h : float
        Finite-difference step.
    """
    m = model.copy()
    analytic = np.concatenate([g.ravel() for g in m.grad_list(m.loss_and_grads(X, T, loss, l2))])
    theta = m.get_flat()
    numeric = np.empty_like(theta)
    for i in range(theta.size):
        old = theta[i]
        theta[i] = old + h
        c_plus = m.set_flat(theta).loss_and_grads(X, T, loss, l2).loss
        theta[i] = old - h
        c_minus = m.set_flat(theta).loss_and_grads(X, T, loss, l2).loss
        theta[i] = old
        numeric[i] = (c_plus - c_minus) / (2 * h)
    rel = np.abs(numeric - analytic) / np.maximum(1e-8, np.abs(numeric) + np.abs(analytic))
    return float(rel.max())

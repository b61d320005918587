"""The loss landscape: its numbers recomputed independently, planes, refusals, the view."""

import numpy as np
import pytest

import nnviz
from nnviz.landscape import LandscapeError, flat_params


def _independent_cost(trace, theta):
    """The trace's cost at flat parameters theta, through a fresh MLP, with no landscape code."""
    m = trace.model_at(trace.final_step)
    # the documented flattening order: W1 row-major, b1, W2, b2, ...
    i, params = 0, []
    for W, b in m.params():
        Wn = theta[i: i + W.size].reshape(W.shape)
        i += W.size
        bn = None
        if b is not None:
            bn = theta[i: i + b.size]
            i += b.size
        params.append((Wn, bn))
    assert i == len(theta)
    m.set_params(params)
    t = trace.config["train"]
    return m.cost(m.forward(trace.data.X), trace.data.y, t["loss"], t["l2"])


def test_flattening_order_is_documented_one(moons_trace):
    k = int(moons_trace.steps[5])
    (W1, _), (W2, b2) = moons_trace.params(k)
    theta = flat_params(moons_trace, [k])[0]
    assert b2 is None  # seed 003's network has no output bias
    b1 = moons_trace.params(k)[0][1]
    np.testing.assert_array_equal(theta, np.concatenate([W1.ravel(), b1, W2.ravel()]))
    assert theta[1] == W1[0, 1]  # row-major


@pytest.mark.parametrize("plane", ["pca", "random"])
def test_grid_points_recomputed_independently(moons_trace, plane):
    ls = nnviz.landscape(moons_trace, plane=plane, resolution=21)
    assert ls.loss.shape == (21, 21) and ls.alpha.shape == ls.beta.shape == (21,)
    assert ls.directions.shape == (2, len(ls.center)) and ls.path.shape == (len(moons_trace.steps), 2)
    for i, j in [(0, 0), (3, 17), (10, 10), (20, 5), (20, 20)]:
        theta = ls.center + ls.alpha[j] * ls.directions[0] + ls.beta[i] * ls.directions[1]
        assert ls.loss[i, j] == pytest.approx(_independent_cost(moons_trace, theta), abs=1e-12)
    assert ls.loss.min() >= 0


def test_pca_plane_holds_the_path(moons_trace):
    ls = nnviz.landscape(moons_trace)
    assert 0 < ls.explained <= 1
    np.testing.assert_allclose(ls.directions @ ls.directions.T, np.eye(2), atol=1e-12)
    np.testing.assert_allclose(ls.path[-1], 0, atol=1e-12)  # the centre is the final step
    # explained = 1 - residual / movement, computed here from scratch
    D = flat_params(moons_trace) - ls.center
    resid = D - (D @ ls.directions.T) @ ls.directions
    assert ls.explained == pytest.approx(1 - (resid ** 2).sum() / (D ** 2).sum(), rel=1e-9)
    # the path lies inside the grid
    assert ls.alpha[0] <= ls.path[:, 0].min() and ls.path[:, 0].max() <= ls.alpha[-1]
    assert ls.beta[0] <= ls.path[:, 1].min() and ls.path[:, 1].max() <= ls.beta[-1]


def test_steps_plane_reproduces_the_trace_loss(tmp_path):
    tr = nnviz.train("xor", trace=tmp_path / "xor.h5", steps=60, record="all")
    a, b, c = 0, 20, 60
    ls = nnviz.landscape(tr, plane=f"steps:{a},{b},{c}", resolution=61)
    for step, (x, y) in ((a, (0.0, 0.0)), (b, (1.0, 0.0)), (c, (0.0, 1.0))):
        j, i = int(np.flatnonzero(ls.alpha == x)[0]), int(np.flatnonzero(ls.beta == y)[0])
        assert abs(ls.loss[i, j] - tr.loss[step]) < 1e-9
        k = int(np.flatnonzero(ls.steps == step)[0])
        np.testing.assert_allclose(ls.path[k], (x, y), atol=1e-9)
        assert abs(ls.path_loss[0][k] - tr.loss[step]) < 1e-9


def test_l2_term_is_in_the_surface(tmp_path):
    tr = nnviz.train("xor", trace=tmp_path / "l2.h5", steps=30, record="all", l2=0.05)
    ls = nnviz.landscape(tr, resolution=9)
    theta = ls.center + ls.alpha[2] * ls.directions[0] + ls.beta[7] * ls.directions[1]
    assert ls.loss[7, 2] == pytest.approx(_independent_cost(tr, theta), abs=1e-12)
    k = len(ls.steps) - 1
    assert ls.path_loss[0][k] == pytest.approx(tr.loss[ls.steps[k]], abs=1e-9)


def test_refusals(moons_trace, tmp_path):
    other = nnviz.train("xor", trace=tmp_path / "x.h5", steps=10)
    with pytest.raises(LandscapeError, match="different architecture") as e:
        nnviz.landscape([moons_trace, other])
    assert "\n" not in str(e.value)
    for bad, msg in (("sideways", "unknown plane"), ("steps:0,1", "three different"),
                     ("steps:0,1,99999", "not recorded")):
        with pytest.raises(LandscapeError, match=msg):
            nnviz.landscape(moons_trace, plane=bad)

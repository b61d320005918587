"""The model: gradients against finite differences, a network worked by hand, seed 003's rule."""

import numpy as np
import pytest

from nnviz.nn import ACTIVATIONS, LOSSES, MLP, forward_many, gradcheck, initialize, make_optimizer

RNG = np.random.default_rng(1)
X = RNG.normal(size=(7, 3))

# (loss, output activation that suits it, targets)
LOSS_CASES = {
    "half_sse": ("identity", RNG.normal(size=(7, 2))),
    "mse": ("identity", RNG.normal(size=(7, 2))),
    "bce": ("sigmoid", (RNG.random((7, 2)) > 0.5) * 1.0),
    "cross_entropy": ("softmax", np.eye(2)[RNG.integers(0, 2, 7)]),
    "perceptron": ("identity", np.sign(RNG.normal(size=(7, 2)))),
    "hinge": ("identity", np.sign(RNG.normal(size=(7, 2)))),
}
HIDDEN = sorted(set(ACTIVATIONS) - {"logistic", "linear"})


@pytest.mark.parametrize("loss", sorted(LOSS_CASES))
@pytest.mark.parametrize("act", HIDDEN)
def test_gradcheck_every_activation_and_loss(act, loss):
    output, T = LOSS_CASES[loss]
    m = initialize(MLP([3, 4, 3, 2], act, output=output), "normal", seed=3, bias="normal", sigma=1.0)
    assert gradcheck(m, X, T, loss, l2=0.1) < 1e-5


@pytest.mark.parametrize("output", ["identity", "tanh", "sigmoid", "softplus", "elu", "leaky_relu", "softmax"])
def test_gradcheck_every_output_activation(output):
    m = initialize(MLP([3, 5, 2], "tanh", output=output), "glorot", seed=0, bias=0.01)
    assert gradcheck(m, X, LOSS_CASES["mse"][1], "mse") < 1e-5


def test_loss_table_has_the_seed_losses():
    assert {"half_sse", "mse", "bce", "cross_entropy", "perceptron", "hinge"} <= set(LOSSES)
    y, t = np.array([[0.5], [-2.0]]), np.array([[1.0], [1.0]])
    assert LOSSES["half_sse"](y, t) == pytest.approx((0.25 + 9.0) / 2)  # sum((y-t)^2)/2, seed 000
    assert LOSSES["perceptron"](y, t) == pytest.approx(1.0)  # mean(max(0, -y t)) = (0 + 2)/2, seed 003


def test_unknown_names_list_valid_ones():
    with pytest.raises(ValueError, match="unknown activation 'sigmod'.*sigmoid"):
        MLP([1, 2, 1], "sigmod")
    with pytest.raises(ValueError, match="unknown loss.*half_sse"):
        initialize(MLP([1, 1]), "glorot").loss_and_grads(np.zeros((1, 1)), np.zeros((1, 1)), "l2loss")


def test_131_sigmoid_network_by_hand():
    """Seed 000's network on its one sample x = 0.5, t = sin(2 * 0.5) = sin(1), worked by hand."""
    m = MLP([1, 3, 1], "sigmoid", output="identity")
    m.set_params([(np.array([[1.0, -1.0, 2.0]]), np.array([0.0, 0.5, -1.0])),
                  (np.array([[1.0], [2.0], [-1.0]]), np.array([0.5]))])
    x, t = np.array([[0.5]]), np.array([[np.sin(1.0)]])  # t = 0.8414709848078965
    fp = m.forward(x)
    # z1 = x W1 + b1 = 0.5 * [1, -1, 2] + [0, 0.5, -1] = [0.5, 0, 0]
    np.testing.assert_allclose(fp.z[1], [[0.5, 0.0, 0.0]])
    # a1 = sigmoid(z1) = [1/(1+e^-0.5), 0.5, 0.5] = [0.6224593312, 0.5, 0.5]
    np.testing.assert_allclose(fp.a[1], [[0.6224593312018546, 0.5, 0.5]])
    # y = a1 W2 + b2 = 0.6224593312 * 1 + 0.5 * 2 + 0.5 * (-1) + 0.5 = 1.6224593312
    np.testing.assert_allclose(fp.output, [[1.6224593312018545]])
    bp = m.backward(fp, t, "half_sse")
    # C = (y - t)^2 / 2 = 0.7809883464^2 / 2 = 0.3049713986
    assert bp.loss == pytest.approx(0.30497139860158445, abs=1e-15)
    # eq. (1): delta2 = f'(z2) (y - t) = 1 * 0.7809883464
    np.testing.assert_allclose(bp.delta[2], [[0.780988346393958]])
    # eq. (3): dW2 = a1^T delta2 = [0.6224593312, 0.5, 0.5] * 0.7809883464
    np.testing.assert_allclose(bp.dW[2].ravel(), [0.48613348, 0.39049417, 0.39049417], rtol=1e-7)
    np.testing.assert_allclose(bp.db[2], [0.780988346393958])  # eq. (4)
    # eq. (2): delta1 = sigmoid'(z1) * (delta2 W2^T), sigmoid'(0.5) = 0.6224593 * 0.3775407 = 0.2350037122
    #        = [0.2350037122 * 1, 0.25 * 2, 0.25 * (-1)] * 0.7809883464
    np.testing.assert_allclose(bp.delta[1], [[0.18353516, 0.39049417, -0.19524709]], rtol=1e-7)
    # eq. (3) again: dW1 = x^T delta1 = 0.5 * delta1
    np.testing.assert_allclose(bp.dW[1], [[0.09176758, 0.19524709, -0.09762354]], rtol=1e-7)
    np.testing.assert_allclose(bp.db[1], bp.delta[1][0])


def test_l2_is_on_weights_not_biases():
    m = initialize(MLP([3, 4, 2], "tanh"), "glorot", seed=0, bias=0.3)
    T = LOSS_CASES["mse"][1]
    plain, reg = m.loss_and_grads(X, T, "mse"), m.loss_and_grads(X, T, "mse", l2=0.5)
    for l in (1, 2):
        np.testing.assert_allclose(reg.dW[l] - plain.dW[l], 0.5 * m.W[l])
        np.testing.assert_allclose(reg.db[l], plain.db[l])
    assert reg.loss - plain.loss == pytest.approx(0.25 * sum(np.sum(m.W[l] ** 2) for l in (1, 2)))


def test_no_output_bias_and_flat_params_round_trip():
    m = initialize(MLP([2, 5, 1], "relu", output_bias=False), "normal", seed=0, bias="normal")
    assert m.b[2] is None and len(m.param_list()) == 3
    theta = m.get_flat()
    assert theta.size == 2 * 5 + 5 + 5
    m2 = m.copy().set_flat(theta * 2)
    np.testing.assert_allclose(m2.W[1], 2 * m.W[1])


def test_initialisers_are_seeded_and_follow_their_rule():
    a = initialize(MLP([2, 50, 1], "relu"), "normal", seed=7, sigma=[0.5**0.5, 50**-0.5], bias="normal")
    b = initialize(MLP([2, 50, 1], "relu"), "normal", seed=7, sigma=[0.5**0.5, 50**-0.5], bias="normal")
    np.testing.assert_array_equal(a.get_flat(), b.get_flat())
    u = initialize(MLP([1, 10, 1], "tanh"), "uniform", seed=0, bias=0.1)
    assert 0 <= u.W[1].min() and u.W[1].max() <= 1 and np.all(u.b[1] == 0.1)
    g = initialize(MLP([30, 20, 1], "tanh"), "glorot", seed=0)
    assert np.abs(g.W[1]).max() <= np.sqrt(2 / 50)


def test_forward_many_matches_one_at_a_time():
    m = initialize(MLP([2, 6, 3], "relu", output="softmax"), "he", seed=0, bias=0.1)
    models = [m.copy().set_flat(m.get_flat() * s) for s in (0.5, 1.0, 2.0)]
    Ws = [np.stack([mm.W[l] for mm in models]) for l in (1, 2)]
    bs = [np.stack([mm.b[l] for mm in models]) for l in (1, 2)]
    out = forward_many(X[:, :2], Ws, bs, m.activation_names)
    for i, mm in enumerate(models):
        np.testing.assert_allclose(out[i], mm(X[:, :2]))


@pytest.mark.parametrize("name", sorted(n for n, a in ACTIVATIONS.items() if a.f_inplace is not None))
def test_in_place_activations_give_the_same_values_bit_for_bit(name):
    act = ACTIVATIONS[name]
    z = np.random.default_rng(0).normal(size=(50, 7)) * 3
    for dtype in (np.float64, np.float32):
        zz = z.astype(dtype)
        want = act.f(zz.copy())
        got = act.f_inplace(zz)
        assert got.dtype == want.dtype and np.array_equal(got, want)
    m = initialize(MLP([2, 5, 4, 1], name), "he", seed=1, bias=0.1)  # forward_many uses f_inplace
    out = forward_many(X[:, :2], [m.W[1][None], m.W[2][None], m.W[3][None]],
                       [m.b[1][None], m.b[2][None], m.b[3][None]], m.activation_names)
    np.testing.assert_array_equal(out[0], m(X[:, :2]))


@pytest.mark.parametrize("name", ["gd", "momentum", "adam"])
def test_optimizers_reduce_a_quadratic(name):
    p = [np.array([3.0, -2.0])]
    opt = make_optimizer(name, lr=0.1)
    for _ in range(200):
        opt.step(p, [2 * p[0]])
    assert np.linalg.norm(p[0]) < 0.1

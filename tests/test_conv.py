"""nnviz's convolutional network (nnviz.nn.conv): layers worked by hand, gradients against finite
differences and torch autograd, convolutional traces, the PyTorch recording, refusals in one line."""

import json

import numpy as np
import pytest

import nnviz
from nnviz.nn.conv import CNN, UnsupportedLayer, conv2d_backward, conv2d_forward

SEED_CNN = [{"kind": "conv2d", "filters": 10, "kernel": 3, "padding": 1, "activation": "relu"},
            {"kind": "maxpool2d", "size": 2}, {"kind": "flatten"},
            {"kind": "dense", "units": 50, "activation": "relu"}, {"kind": "dense", "units": 10, "activation": "softmax"}]


def random_cnn(input_shape=(1, 8, 8), layers=SEED_CNN, seed=0, scale=0.5):
    m = CNN(input_shape, layers)
    rng = np.random.default_rng(seed)
    for l in m.param_layers:
        m.W[l] = rng.normal(0, scale, m.W[l].shape)
        m.b[l] = rng.normal(0, 0.1, m.b[l].shape)
    return m


# ----------------------------------------------------------------------------- worked by hand
def test_a_convolution_worked_by_hand():
    x = np.arange(9.0).reshape(1, 1, 3, 3)     # 0 1 2 / 3 4 5 / 6 7 8
    W = np.zeros((1, 1, 3, 3))
    W[0, 0, 1, 2] = 1.0                          # picks the right neighbour
    W[0, 0, 0, 1] = 2.0                          # plus twice the one above
    z = conv2d_forward(x, W, np.array([0.5]), pad=1)
    # centre: right neighbour 5, above 1 -> 5 + 2 * 1 + 0.5; top-left: right 1, above (padding) 0
    assert z[0, 0, 1, 1] == 5 + 2 * 1 + 0.5 and z[0, 0, 0, 0] == 1 + 0 + 0.5
    # valid padding: one output, the dot product of the whole image with the filter
    assert conv2d_forward(x, W, np.zeros(1), pad=0)[0, 0, 0, 0] == 5 + 2 * 1
    # backward with delta = 1 at the centre only: dW is the patch around the centre, dx the filter
    delta = np.zeros((1, 1, 3, 3))
    delta[0, 0, 1, 1] = 1.0
    dW, db, dx = conv2d_backward(x, delta, W, pad=1)
    np.testing.assert_array_equal(dW[0, 0], x[0, 0])
    assert db[0] == 1.0
    np.testing.assert_array_equal(dx[0, 0], W[0, 0])  # the flipped filter, convolved with a single 1


def test_max_pooling_routes_the_gradient_to_the_maximum_first_on_a_tie():
    m = CNN((1, 2, 4), [{"kind": "maxpool2d"}, {"kind": "flatten"}, {"kind": "dense", "units": 1, "activation": "identity"}])
    pool = m.layers[1]
    x = np.array([[[[1.0, 3.0, 2.0, 2.0],
                    [2.0, 0.0, 0.0, 0.0]]]])
    np.testing.assert_array_equal(pool.forward(x), [[[[3.0, 2.0]]]])
    _, _, dx = pool.backward(x, np.array([[[[10.0, 20.0]]]]))
    np.testing.assert_array_equal(dx, [[[[0, 10, 20, 0], [0, 0, 0, 0]]]])  # the tie 2, 2: the first one


def test_shapes_and_layer_list():
    m = CNN((8, 8), SEED_CNN)
    assert m.input_shape == (1, 8, 8) and m.sizes == [64, 640, 160, 160, 50, 10]
    assert m.param_layers == [1, 4, 5] and m.W[1].shape == (10, 1, 3, 3) and m.W[4].shape == (160, 50)
    assert m.activation_names == ["relu", "identity", "identity", "relu", "softmax"]
    again = CNN.from_spec(json.loads(json.dumps(m.spec())))
    assert again.spec() == m.spec() and again.describe() == m.describe()
    fp = random_cnn().forward(np.zeros((3, 64)))
    assert [a.shape for a in fp.a] == [(3, 1, 8, 8), (3, 10, 8, 8), (3, 10, 4, 4), (3, 160), (3, 50), (3, 10)]


@pytest.mark.parametrize("layer, fragment", [
    ({"kind": "conv2d", "filters": 4, "stride": 2}, "stride 1"),
    ({"kind": "conv2d", "filters": 4, "dilation": 2}, "no dilation"),
    ({"kind": "conv2d", "filters": 4, "groups": 2}, "groups 1"),
    ({"kind": "conv2d", "filters": 4, "kernel": 4}, "odd square kernels"),
    ({"kind": "conv2d", "filters": 4, "kernel": 3, "padding": 2}, "padding 0 ('valid') or 1 ('same')"),
    ({"kind": "conv2d", "filters": 4, "kernel": (3, 5)}, "square"),
    ({"kind": "maxpool2d", "size": 3}, "2x2 pooling"),
    ({"kind": "conv3d"}, "unknown kind"),
    ({"kind": "dense", "units": 4}, "add a flatten layer"),
    ({"kind": "conv2d", "filters": 4, "bogus": 1}, "unknown setting"),
])
def test_unsupported_layers_are_refused_in_one_line(layer, fragment):
    with pytest.raises(UnsupportedLayer) as e:
        CNN((1, 8, 8), [layer, {"kind": "flatten"}, {"kind": "dense", "units": 2}])
    assert fragment in str(e.value) and "\n" not in str(e.value)


def test_odd_maps_and_huge_inputs_are_refused():
    with pytest.raises(UnsupportedLayer, match="even height"):
        CNN((1, 7, 7), [{"kind": "maxpool2d"}, {"kind": "flatten"}, {"kind": "dense", "units": 2}])
    with pytest.raises(UnsupportedLayer, match="channels of up to"):
        CNN((3, 1000, 1000), [{"kind": "flatten"}, {"kind": "dense", "units": 2}])
    with pytest.raises(UnsupportedLayer, match="last layer must be dense"):
        CNN((1, 8, 8), [{"kind": "conv2d", "filters": 2}])


# ----------------------------------------------------------------------------- gradients
def _five_point(m, X, T, loss, l2, h=1e-3):
    """Fourth-order central differences of the cost, one parameter at a time: error O(h^4)."""
    theta = m.get_flat()
    g = np.empty_like(theta)

    def C(t):
        return m.set_flat(t).loss_and_grads(X, T, loss, l2).loss

    for i in range(theta.size):
        e = np.zeros_like(theta)
        e[i] = h
        g[i] = (8 * (C(theta + e) - C(theta - e)) - (C(theta + 2 * e) - C(theta - 2 * e))) / (12 * h)
    m.set_flat(theta)
    return g


@pytest.mark.parametrize("act", ["tanh", "relu"])
def test_backprop_matches_finite_differences_to_1e_10(act):
    layers = [{"kind": "conv2d", "filters": 3, "kernel": 3, "padding": 1, "activation": act},
              {"kind": "maxpool2d"}, {"kind": "flatten"},
              {"kind": "dense", "units": 5, "activation": "sigmoid"}, {"kind": "dense", "units": 4, "activation": "softmax"}]
    m = random_cnn((2, 4, 4), layers, seed=1)
    rng = np.random.default_rng(2)
    X, T = rng.normal(size=(5, 32)), np.eye(4)[rng.integers(0, 4, 5)]
    analytic = np.concatenate([g.ravel() for g in m.grad_list(m.loss_and_grads(X, T, "cross_entropy", 0.01))])
    numeric = _five_point(m, X, T, "cross_entropy", 0.01)
    np.testing.assert_allclose(analytic, numeric, rtol=0, atol=1e-10)


torch = pytest.importorskip("torch", reason="torch is not installed (pip install torch==2.13.0)")


def _torch_model(m):
    """The torch Sequential with the same parameters as the nnviz CNN ``m``."""
    from torch import nn

    acts = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "identity": nn.Identity}
    mods = []
    for l, layer in enumerate(m.layers[1:], start=1):
        if layer.kind == "conv2d":
            conv = nn.Conv2d(layer.in_shape[0], layer.filters, layer.kernel, padding=layer.padding).double()
            with torch.no_grad():
                conv.weight.copy_(torch.tensor(m.W[l])), conv.bias.copy_(torch.tensor(m.b[l]))
            mods += [conv, acts[layer.activation]()]
        elif layer.kind == "maxpool2d":
            mods.append(nn.MaxPool2d(2))
        elif layer.kind == "flatten":
            mods.append(nn.Flatten())
        else:
            lin = nn.Linear(layer.in_shape[0], layer.units).double()
            with torch.no_grad():
                lin.weight.copy_(torch.tensor(m.W[l].T)), lin.bias.copy_(torch.tensor(m.b[l]))
            mods.append(lin)
            if layer.activation != "softmax":
                mods.append(acts[layer.activation]())
    return nn.Sequential(*mods)


def _torch_grads(m, X, labels, l2):
    """torch autograd's cost and gradients at m's parameters, in nnviz's layout."""
    tm = _torch_model(m)
    out = tm(torch.tensor(m.images(X)))
    weights = [p for name, p in tm.named_parameters() if name.endswith("weight")]
    cost = torch.nn.functional.cross_entropy(out, torch.tensor(labels)) + 0.5 * l2 * sum((w ** 2).sum() for w in weights)
    cost.backward()
    mods = [mod for mod in tm if hasattr(mod, "weight")]
    grads = [(mod.weight.grad.numpy() if mod.weight.ndim == 4 else mod.weight.grad.numpy().T, mod.bias.grad.numpy())
             for mod in mods]
    return float(cost.detach()), grads


@pytest.mark.parametrize("input_shape, layers", [
    ((1, 8, 8), SEED_CNN),
    ((2, 6, 6), [{"kind": "conv2d", "filters": 4, "kernel": 5, "padding": 2, "activation": "tanh"},
                 {"kind": "maxpool2d"}, {"kind": "conv2d", "filters": 3, "kernel": 3, "padding": 0, "activation": "relu"},
                 {"kind": "flatten"}, {"kind": "dense", "units": 3, "activation": "softmax"}]),
    ((1, 4, 4), [{"kind": "conv2d", "filters": 2, "kernel": 1, "padding": 0, "activation": "sigmoid"},
                 {"kind": "flatten"}, {"kind": "dense", "units": 3, "activation": "softmax"}]),
])
def test_backprop_matches_torch_autograd_to_1e_10(input_shape, layers):
    m = random_cnn(input_shape, layers, seed=3)
    rng = np.random.default_rng(4)
    n_out = m.sizes[-1]
    X, labels = rng.normal(size=(9, m.sizes[0])), rng.integers(0, n_out, 9)
    bp = m.loss_and_grads(X, np.eye(n_out)[labels], "cross_entropy", 0.01)
    cost, grads = _torch_grads(m, X, labels, 0.01)
    assert abs(cost - bp.loss) < 1e-10
    for l, (dW, db) in zip(m.param_layers, grads):
        np.testing.assert_allclose(bp.dW[l], dW, rtol=0, atol=1e-10)
        np.testing.assert_allclose(bp.db[l], db, rtol=0, atol=1e-10)


# ----------------------------------------------------------------------------- the trace
@pytest.fixture(scope="module")
def cnn_run(tmp_path_factory):
    path = tmp_path_factory.mktemp("cnn") / "cnn.h5"
    return nnviz.train("digits-cnn-small", trace=path, steps=30, record="every:10")


def test_a_cnn_trace_records_filters_maps_and_gradients(cnn_run):
    tr = cnn_run
    assert tr.is_convolutional and tr.status == "complete" and tr.steps.tolist() == [0, 10, 20, 30]
    assert tr.param_layers == [1, 4, 5]
    params, grads = tr.params(10), tr.grads(10)
    assert [W.shape for W, _ in params] == [(10, 1, 3, 3), (160, 50), (50, 10)]
    assert [b.shape for _, b in grads] == [(10,), (50,), (10,)]
    acts, deltas = tr.activations(10), tr.deltas(10)
    assert [a.shape for a in acts] == [(16, 10, 8, 8), (16, 10, 4, 4), (16, 160), (16, 50), (16, 10)]
    assert [d.shape for d in deltas] == [a.shape for a in acts]
    # the recorded maps are the network's own on the probe digits, and flatten is pooling reshaped
    m = tr.model_at(10)
    fp = m.forward(tr.data.X[tr.probe_index])
    for l in range(1, 6):
        np.testing.assert_allclose(acts[l - 1], fp.a[l], rtol=0, atol=1e-12)
    np.testing.assert_array_equal(acts[2], acts[1].reshape(16, -1))
    assert np.allclose(acts[4].sum(axis=1), 1.0)                                  # softmax probabilities
    assert abs(tr.loss[10] - m.cost(m.forward(tr.data.X), tr.data.y, "cross_entropy", 1e-4)) < 1e-12
    assert "conv2d 10x3x3 relu" in tr.summary()["architecture"]


def test_recorded_filter_gradients_match_torch_autograd_at_the_recorded_parameters(cnn_run):
    tr = cnn_run
    for k in tr.steps:
        cost, grads = _torch_grads(tr.model_at(k), tr.data.X, tr.data.labels, tr.config["train"]["l2"])
        assert abs(cost - tr.loss[k]) < 1e-10
        for (dW, db), (tW, tb) in zip(tr.grads(k), grads):
            np.testing.assert_allclose(dW, tW, rtol=0, atol=1e-10)
            np.testing.assert_allclose(db, tb, rtol=0, atol=1e-10)


def test_a_fully_connected_trace_is_unchanged(tmp_path):
    import h5py

    tr = nnviz.train("xor", trace=tmp_path / "x.h5", steps=3)
    with h5py.File(tr.path, "r") as f:
        assert "layers" not in f.attrs and sorted(f["tensors"]) == sorted(
            ["step"] + [f"{k}{l}" for l in (1, 2) for k in ("W", "b", "dW", "db", "z", "a", "delta")])
    assert not tr.is_convolutional and tr.param_layers == [1, 2]


def test_the_seed_init_and_config(tmp_path):
    from nnviz.build import build, resolve_config
    from nnviz.config import dump_toml, load_config

    cfg = resolve_config("digits-cnn")
    assert "hidden" not in cfg["model"] and cfg["model"]["layers"][0]["filters"] == 10
    ds, m, loss = build(cfg)
    W = m.W[1]
    assert np.abs(W).max() <= 0.2 and 0.07 < W.std() < 0.1  # truncated at 2 sigma: std 0.088 sigma
    assert np.all(m.b[4] == 0.1) and np.all(m.b[5] == 0.1) and len(set(m.b[1])) == 10  # the seed's conv bias
    (tmp_path / "c.toml").write_text(dump_toml(cfg))
    assert load_config(tmp_path / "c.toml") == cfg


# ----------------------------------------------------------------------------- recording your own loop
def test_a_users_numpy_loop_and_a_torch_loop_record_cnns(tmp_path):
    from torch import nn

    from nnviz.integrations.torch import TorchRecorder

    ds = nnviz.data.make_dataset("digits", n=300)
    X, y = ds.X.reshape(-1, 1, 8, 8), ds.labels
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 4, 3, padding="same"), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                          nn.Linear(64, 10)).double()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    lf = nn.CrossEntropyLoss()
    Xt, yt = torch.tensor(X), torch.tensor(y)
    with TorchRecorder(model, X, y, loss=lf, trace=tmp_path / "t.h5", steps=6, record="all", optimizer=opt) as rec:
        for k in range(7):
            opt.zero_grad()
            loss = lf(model(Xt), yt)
            loss.backward()
            rec.step(k, loss=loss)
            if k < 6:
                opt.step()
    tr = rec.trace
    assert tr.is_convolutional and tr.checks["grad_max_abs_diff"] < 1e-12 and tr.checks["loss_max_abs_diff"] < 1e-12
    np.testing.assert_array_equal(tr.params(6)[0][0], model[0].weight.detach().numpy())  # (out, in, kh, kw)
    # the same network in a plain numpy loop, through the Recorder
    cnn = tr.model_at(0)
    with nnviz.Recorder(tmp_path / "n.h5", X, y, network=cnn, loss="cross_entropy", lr=0.1, steps=6,
                        record="all") as r2:
        for k in range(7):
            bp = cnn.loss_and_grads(X, np.eye(10)[y], "cross_entropy")
            r2.step(k, cnn.params())
            for p, g in zip(cnn.param_list(), cnn.grad_list(bp)):
                p -= 0.1 * g
    np.testing.assert_allclose(r2.trace.loss, tr.loss, rtol=0, atol=1e-12)


@pytest.mark.parametrize("module, fragment", [
    (lambda nn: nn.Conv2d(1, 4, 3, stride=2), "stride"),
    (lambda nn: nn.Conv2d(1, 4, 3, padding=1, dilation=2), "dilation"),
    (lambda nn: nn.Conv2d(1, 4, 3, padding=1, bias=False), "bias"),
    (lambda nn: nn.MaxPool2d(3), "kernel_size"),
    (lambda nn: nn.AvgPool2d(2), "AvgPool2d is not one of them"),
])
def test_torch_layers_nnviz_cannot_mirror_are_refused_in_one_line(module, fragment, tmp_path):
    from torch import nn

    from nnviz.integrations.torch import TorchRecorder
    from nnviz.nn.frameworks import UnsupportedModel

    model = nn.Sequential(module(nn), nn.Flatten(), nn.LazyLinear(10))
    with pytest.raises((UnsupportedModel, UnsupportedLayer)) as e:
        TorchRecorder(model, np.zeros((4, 1, 8, 8)), np.zeros(4, int), loss="cross_entropy", trace=tmp_path / "t.h5")
    assert fragment in str(e.value) and "\n" not in str(e.value)
    assert not (tmp_path / "t.h5").exists()


# ----------------------------------------------------------------------------- views
def test_cnn_views_render_frames_from_the_trace(cnn_run):
    from nnviz.render import build_layout, default_views

    assert default_views(cnn_run) == ["filters", "featuremaps", "loss"]
    for size in ((640, 480), (1920, 1080)):
        layout = build_layout([cnn_run], size=size)
        first, last = layout.render(0), layout.render(30)
        assert first.shape == (size[1], size[0], 3) and first.std() > 5
        assert np.abs(first.astype(int) - last).sum() > 0  # the filters and maps move
    back = build_layout([cnn_run], ["featuremaps"], size=(640, 480), view_options={"featuremaps": {"backward": True}})
    assert back.render(10).std() > 5


def test_the_filters_view_draws_the_recorded_filters(cnn_run):
    from nnviz.render.base import view_class

    view = view_class("filters")(cnn_run)
    view.prepare([0, 30])
    W0, W30 = cnn_run.params(0)[0][0], cnn_run.params(30)[0][0]
    m, scale = view.values["change"]
    np.testing.assert_array_equal(m[1], W30 - W0)
    assert scale == np.abs(W30 - W0).max()
    np.testing.assert_array_equal(view.values["gradient"][0][0], cnn_run.grads(0)[0][0])


def test_views_refuse_the_wrong_kind_of_network_in_one_line(cnn_run, tmp_path):
    from nnviz.render.base import load_views

    mlp = nnviz.train("xor", trace=tmp_path / "x.h5", steps=3)
    for name, cls in load_views().items():
        if cls.source != "trace":
            continue
        if cls.network == "dense":
            with pytest.raises(ValueError) as e:
                cls(cnn_run)
            assert str(e.value) == (f"the {name} view needs a fully connected network; "
                                    "try --view filters,featuremaps,loss")
        elif cls.network == "conv":
            with pytest.raises(ValueError, match="needs a convolutional network"):
                cls(mlp)


def test_cli_animates_a_cnn_and_refuses_the_boundary_view(cnn_run, tmp_path):
    import imageio.v3 as iio
    from click.testing import CliRunner

    from nnviz.cli import cli

    r = CliRunner().invoke(cli, ["animate", str(cnn_run.path), "--view", "boundary,loss", "-o",
                                 str(tmp_path / "b.gif"), "-q"])
    assert r.exit_code == 1 and "the boundary view needs a fully connected network; try --view " \
        "filters,featuremaps,loss" in r.output and "Traceback" not in r.output
    assert not (tmp_path / "b.gif").exists()
    r = CliRunner().invoke(cli, ["animate", str(cnn_run.path), "--view", "filters,featuremaps,loss", "--opt",
                                 "featuremaps.backward=true", "--hold", "0", "-o", str(tmp_path / "cnn.gif"), "-q"])
    assert r.exit_code == 0, r.output
    frames = iio.imread(tmp_path / "cnn.gif", index=None)
    assert frames.shape[0] == 4 and frames.std() > 5
    r = CliRunner().invoke(cli, ["info", str(cnn_run.path)])
    assert r.exit_code == 0 and "conv2d 10x3x3 relu" in r.output
    r = CliRunner().invoke(cli, ["backprop", str(cnn_run.path), "-o", str(tmp_path / "bp.gif")])
    assert r.exit_code == 1 and "needs a fully connected network" in r.output and "Traceback" not in r.output


def test_the_manim_scenes_refuse_a_cnn_trace_in_one_line(cnn_run, tmp_path):
    pytest.importorskip("manim", reason="manim is not installed")
    from click.testing import CliRunner

    from nnviz.cli import cli

    r = CliRunner().invoke(cli, ["scene", "BackpropFlow", "--trace", str(cnn_run.path), "-o", str(tmp_path / "s.mp4")])
    assert r.exit_code == 1 and "the backprop scene needs a fully connected network" in r.output
    assert not (tmp_path / "s.mp4").exists()

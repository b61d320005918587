"""The backprop flow (network view, phases, gradient flow, `nnviz backprop`): every number drawn
is read back from the figure's text artists and compared with the trace."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from click.testing import CliRunner

import nnviz
from nnviz.cli import cli
from nnviz.export import read_gif_info
from nnviz.render.animate import header_text
from nnviz.render.layout import Layout
from nnviz.render.views.network import (NetworkView, SubFrame, backprop_frames, format_value, next_params, parse_values,
                                  phase_frames)

SIZE = (1280, 720)


@pytest.fixture(scope="module")
def s131(tmp_path_factory):
    """Seed 000's network: 1-3-1 sigmoid, the one sample x = 0.5, y = sin(1), every step recorded."""
    path = tmp_path_factory.mktemp("bp") / "sample131.h5"
    return nnviz.train("sample131", trace=path, steps=12, record="all")


def _layout(trace, size=SIZE, **opts):
    view = NetworkView(trace, equations=True, **opts)
    return view, Layout([[view]], size=size, title="t", header=header_text(trace))


def _shown(view):
    """{gid: text} of the value labels visible in the view's diagram."""
    return {t.get_gid(): t.get_text() for t in view.ax.texts
            if t.get_gid() and t.get_visible() and t.get_text() and t.get_gid() != "caption"}


def _close_to_printed(text_value: float, true: float, digits=3):
    """The printed number is the true one rounded to `digits` significant digits."""
    if abs(true) < 1e-9:
        return text_value == 0
    tol = 0.5 * 10 ** (math.floor(math.log10(abs(true))) - digits + 1) * (1 + 1e-9)
    return abs(text_value - true) <= tol


# ---------------------------------------------------------------------------------------- numbers
def _expected(trace, key):
    """What each label must print at sub-frame `key`, computed from the trace API alone."""
    k, L = int(key), len(trace.sizes) - 1
    phase, layer, t = key.phase, key.layer, key.t
    (W1, b1), (W2, b2) = trace.params(k)
    W, b = {1: W1, 2: W2}, {1: b1, 2: b2}
    g = dict(enumerate(trace.grads(k), start=1))
    z = dict(enumerate(trace.preactivations(k), start=1))
    a = dict(enumerate(trace.activations(k), start=1))
    d = dict(enumerate(trace.deltas(k), start=1))
    nxt = dict(enumerate(trace.params(k + 1), start=1)) if phase == "update" else None
    # which layers show z, a, delta and gradients in this phase
    if phase == "z":
        zl, al, loss, dl, gl = layer, layer - 1, False, L + 1, L + 1
    elif phase == "a":
        zl, al, loss, dl, gl = layer, layer, False, L + 1, L + 1
    elif phase == "loss":
        zl, al, loss, dl, gl = L, L, True, L + 1, L + 1
    elif phase == "delta":
        zl, al, loss, dl, gl = L, L, True, layer, layer + 1
    elif phase == "grad":
        zl, al, loss, dl, gl = L, L, True, layer, layer
    else:
        assert phase == "update"
        zl, al, loss, dl, gl = L, L, True, 1, L + 1
    exp = {"x[0]": ("x = ", [trace.data.X[trace.probe_index[0], 0]])}
    for l in (1, 2):
        for j in range(trace.sizes[l]):
            if l >= gl:
                exp[f"b[{l}][{j}]"] = ("∂C/∂b = ", [g[l][1][j]])
            elif phase == "update":
                exp[f"b[{l}][{j}]"] = ("b: ", [b[l][j], nxt[l][1][j]])
            else:
                exp[f"b[{l}][{j}]"] = ("b = ", [b[l][j]])
            if l <= zl:
                exp[f"z[{l}][{j}]"] = ("z = ", [z[l][0, j]])
            if l <= al:
                exp[f"a[{l}][{j}]"] = ("a = ", [a[l][0, j]])
            if l >= dl:
                exp[f"delta[{l}][{j}]"] = ("δ = ", [d[l][0, j]])
            for kk in range(trace.sizes[l - 1]):
                gid = f"w[{l}][{kk},{j}]"
                if l >= gl:
                    exp[gid] = ("", [g[l][0][kk, j]])
                elif phase == "update":
                    exp[gid] = ("", [W[l][kk, j], nxt[l][0][kk, j]])
                else:
                    exp[gid] = ("", [W[l][kk, j]])
    if loss:
        exp["t[2][0]"] = ("t = ", [trace.data.y[trace.probe_index[0], 0]])
        exp["C[2][0]"] = ("C = ", [trace.loss[k]])
    return exp


@pytest.mark.parametrize("step", [0, 7])
def test_every_number_drawn_equals_the_trace(s131, step):
    view, layout = _layout(s131)
    keys = phase_frames(s131, step, morph=2)
    assert [k.phase for k in keys] == ["z", "a", "z", "a", "loss", "delta", "grad", "delta", "grad", "update", "update"]
    checked = 0
    for key, frame in layout.frames(keys):
        assert frame.shape == (720, 1280, 3)
        shown, exp = _shown(view), _expected(s131, key)
        assert set(shown) == set(exp), (key, set(shown) ^ set(exp))
        for gid, (prefix, values) in exp.items():
            text = shown[gid]
            assert text.startswith(prefix), (key, gid, text)
            got = parse_values(text)
            assert len(got) == len(values), (key, gid, text)
            for g, v in zip(got, values):
                assert _close_to_printed(g, v), (key, gid, text, v)
            # the exact string: the trace's number printed with the view's precision
            assert [format_value(v) for v in values] == re.findall(r"\S+", text.split("=")[-1].split(":")[-1].replace("→", " ")), (gid, text)
            checked += 1
    assert checked > 150
    assert view.mode == "full"  # at 1280x720 seed 000's network prints full blocks


def test_sample131_sanity(s131):
    """Seed 000: one sample x = 0.5, y = sin(1); the loss is the half squared error of that sample."""
    assert s131.sizes == [1, 3, 1]
    assert s131.data.X[0, 0] == 0.5 and math.isclose(s131.data.y[0, 0], math.sin(1.0))
    a2 = s131.activations(0)[1][0, 0]
    assert math.isclose(s131.loss[0], 0.5 * (a2 - math.sin(1.0)) ** 2)
    # for gradient descent the update the view morphs to is W - lr dW, and the trace agrees
    for (W, b), (W1, b1), (dW, db) in zip(s131.params(3), s131.params(4), s131.grads(3)):
        np.testing.assert_allclose(W1, W - 0.5 * dW, atol=1e-12)


def test_format_value():
    assert format_value(0.54184321) == "0.542"
    assert format_value(-1.26542147) == "−1.27"
    assert format_value(0.0) == "0"
    assert format_value(3.5e-17) == "0"
    assert format_value(9.9996) == "10.0"
    assert format_value(-0.000123456) == "−1.23e−04"
    assert format_value(12345.0) == "1.23e+04"
    assert parse_values("b: 0.105 → −0.353") == [0.105, -0.353]
    assert parse_values("δ = −1.23e−04") == [-1.23e-04]


# ---------------------------------------------------------------------------------------- phases
def test_phase_counts(s131, tmp_path):
    L = 2
    assert len(phase_frames(s131, 0, morph=6)) == 4 * L + 1 + 6
    assert [k.phase for k in phase_frames(s131, 0, detail="phases")] == [
        "forward", "loss", "delta", "backward", "gradient", "update"]
    last = int(s131.all_steps[-1])
    assert next_params(s131, last) is None
    assert len(phase_frames(s131, last)) == 4 * L + 1  # no update after the last step
    assert [k.phase for k in phase_frames(s131, 0, update_only=True, morph=3)] == ["update"] * 3
    keys = backprop_frames(s131, [0, 1, 2], morph=3)
    assert len(keys) == (4 * L + 1 + 3) + 3 + 3
    keys = backprop_frames(s131, [0, 1], morph=3, later="full")
    assert len(keys) == 2 * (4 * L + 1 + 3)
    # holds: about a second per phase whatever the fps; the morph is one frame per sub-frame
    held = phase_frames(s131, 0, morph=4, fps=10)
    assert [k.hold for k in held if k.phase == "update"] == [1, 1, 1, 12]
    assert held[0].hold == 7
    with pytest.raises(ValueError, match="detail"):
        phase_frames(s131, 0, detail="nope")
    with pytest.raises(ValueError, match="unknown phase"):
        SubFrame(0, "sideways")


def test_subframes_are_steps_for_other_views(s131):
    """A SubFrame is an int: the loss view and the header treat it as its step."""
    key = SubFrame(5, "grad", 1)
    assert key == 5 and int(key) == 5 and key.phase == "grad"
    view = NetworkView(s131, equations=True)
    from nnviz.render import VIEWS

    layout = Layout([[view, VIEWS["loss"](s131)]], size=(960, 540), header=header_text(s131))
    frames = list(layout.frames([SubFrame(5, "z", 1), SubFrame(5, "update", t=1.0)]))
    assert [int(k) for k, _ in frames] == [5, 5]
    assert frames[0][1].shape == (540, 960, 3)
    assert not np.array_equal(frames[0][1], frames[1][1])


def test_next_params_between_recorded_steps(tmp_path):
    """With a sparse schedule, gradient descent's next weights are W - lr dW, exactly as trained."""
    sparse = nnviz.train("sample131", trace=tmp_path / "sparse.h5", steps=6, record="0,3,6")
    full = nnviz.train("sample131", trace=tmp_path / "full.h5", steps=6, record="all")
    for (W, b), (Wf, bf) in zip(next_params(sparse, 3), full.params(4)):
        np.testing.assert_allclose(W, Wf, atol=1e-12)
        np.testing.assert_allclose(b, bf, atol=1e-12)
    adam = nnviz.train("sample131", trace=tmp_path / "adam.h5", steps=4, record="0,4", optimizer="adam")
    assert next_params(adam, 0) is None  # Adam's state is not in the trace: no update phase
    assert [k.phase for k in phase_frames(adam, 0)][-1] == "grad"


# ---------------------------------------------------------------------------------------- wide layers
def test_seed003_network_renders_legibly_with_a_marker(moons_trace):
    view, layout = _layout(moons_trace, sample="mean")
    keys = [SubFrame(0, "grad", 1), SubFrame(0, "update", t=1.0)]
    frames = [f for _, f in layout.frames(keys)]
    assert frames[0].shape == (720, 1280, 3)
    texts = {t.get_gid(): t.get_text() for t in view.ax.texts if t.get_gid()}
    assert texts["more[1]"] == "… +34"
    assert len(view.units[1]) == 16 and view.hidden_count[1] == 34
    # the 16 units are the most important by ||w_in|| * ||w_out|| over the frames
    (W1, _), (W2, _) = moons_trace.params(0)
    imp = np.linalg.norm(W1, axis=0) * np.linalg.norm(W2, axis=1)
    np.testing.assert_array_equal(view.units[1], np.sort(np.argsort(-imp)[:16]))
    # with sample="mean" the nodes print a real forward pass: probe sample 0's, which the network
    # at that input reproduces (a mean of activations would be no input's pass); its loss is "l"
    shown = _shown(view)
    x = moons_trace.data.X[moons_trace.probe_index[0]]
    a2 = moons_trace.model_at(0)(x[None])[0, 0]
    assert shown["x[0]"] == f"x₁ = {format_value(x[0])}"
    assert shown["a[2][0]"] == f"a = {format_value(a2)}"
    assert shown["C[2][0]"].startswith("l = ")
    assert not np.array_equal(frames[0], frames[1])
    # the nodes are big enough to see at 1280x720, and do not overlap
    assert view.r >= 8 and view.spacing > 2 * view.r


def test_batch_mean_shows_a_real_forward_pass_and_the_labelled_batch_gradient(tmp_path):
    tr = nnviz.train({"data": {"name": "moons", "n": 20}, "model": {"hidden": [2], "activation": "tanh"},
                      "train": {"steps": 3, "record": "all"}}, trace=tmp_path / "m.h5")
    view, layout = _layout(tr, sample="mean")
    k, i = 1, 0  # step 1; the pass shown is probe sample 0's
    x = tr.data.X[tr.probe_index[i]]
    layout.render(SubFrame(k, "loss", None))
    shown, cap = _shown(view), view.caption.get_text()
    # every node number is sample 0's own forward pass: the network at the printed x gives the printed a
    z1 = tr.preactivations(k)[0][i]
    a1, a2 = tr.activations(k)[0][i], tr.activations(k)[1][i]
    assert [shown["x[0]"], shown["x[1]"]] == [f"x{s} = {format_value(v)}" for s, v in zip("₁₂", x)]
    np.testing.assert_allclose(tr.model_at(k)(x[None])[0], a2, atol=1e-12)
    assert shown["z[1][0]"] == f"z = {format_value(z1[0])}" and shown["a[1][1]"] == f"a = {format_value(a1[1])}"
    assert shown["a[2][0]"] == f"a = {format_value(a2[0])}"
    assert shown["t[2][0]"] == f"t = {format_value(tr.data.y[tr.probe_index[i], 0])}"
    assert shown["C[2][0]"].startswith("l = ")  # the sample's loss; the batch's C is in the caption
    assert f"(sample 0; batch C = {format_value(tr.loss[k])})" in cap
    # the gradient: the trace's batch dW, db on edges and biases, labelled as a batch mean; δ is sample 0's
    layout.render(SubFrame(k, "grad", 1))
    shown, cap = _shown(view), view.caption.get_text()
    (dW1, db1), _ = tr.grads(k)
    assert "mean of δ¹ a⁰ over the 20 samples" in cap and "nodes: sample 0" in cap
    for kk in range(2):
        for j in range(2):
            assert shown[f"w[1][{kk},{j}]"] == format_value(dW1[kk, j])
    assert shown["b[1][0]"] == f"∂C/∂b = {format_value(db1[0])}"
    assert shown["delta[1][0]"] == f"δ = {format_value(tr.deltas(k)[0][i, 0])}"
    # dW is the mean of the samples' own δ a, not the δ a of the sample on the nodes
    D, X = tr.deltas(k)[0], tr.data.X[tr.probe_index]
    np.testing.assert_allclose(dW1, X.T @ D / len(X), atol=1e-12)


def test_seed003_strips(moons_trace):
    view, layout = _layout(moons_trace, wide="strips")
    frame = layout.render(SubFrame(int(moons_trace.steps[3]), "grad", 2))
    assert frame.shape == (720, 1280, 3)
    assert set(view.strips) == {1, 2} and view.dense[1]
    assert view.strips[1][0].get_array().shape == (50, 2, 3)


def test_bad_options(s131):
    with pytest.raises(ValueError, match="out of range"):
        NetworkView(s131, sample=1)
    with pytest.raises(ValueError, match="probe sample index or 'mean'"):
        NetworkView(s131, sample="first")
    with pytest.raises(ValueError, match="wide"):
        NetworkView(s131, wide="zoom")


# ---------------------------------------------------------------------------------------- gradient flow
def test_gradflow_norms_and_view(moons_trace, tmp_path):
    from nnviz.render.views.gradflow import GradFlowView, gradient_norms

    g = gradient_norms(moons_trace, moons_trace.steps[:3])
    for i, k in enumerate(moons_trace.steps[:3]):
        for l, (dW, _) in enumerate(moons_trace.grads(int(k))):
            assert math.isclose(g[i, l], float(np.linalg.norm(dW)))
    view = GradFlowView(moons_trace)
    frame = Layout([[view]], size=(640, 360)).render(10)
    assert frame.shape == (360, 640, 3)
    # a long run's step axis is logarithmic beyond step 1 (the first steps get room); a short one linear
    long = int(moons_trace.all_steps[-1]) >= 100
    assert view.ax.get_xscale() == ("symlog" if long else "linear")
    lin = GradFlowView(moons_trace, xscale="linear")
    Layout([[lin]], size=(640, 360)).render(10)
    assert lin.ax.get_xscale() == "linear"
    with pytest.raises(ValueError, match="auto, linear or log"):
        GradFlowView(moons_trace, xscale="sideways")


def test_deep_presets_show_vanishing_gradients(tmp_path):
    from nnviz.presets import get_preset
    from nnviz.render.views.gradflow import gradient_norms

    sig, relu = get_preset("deep-sigmoid"), get_preset("deep-relu")
    assert sig["model"]["activation"] == "sigmoid" and relu["model"]["activation"] == "relu"
    sig["model"]["activation"] = relu["model"]["activation"] = "x"
    sig["name"] = relu["name"] = sig["description"] = relu["description"] = ""
    assert sig == relu  # the same network, only the activation differs
    ts = nnviz.train("deep-sigmoid", trace=tmp_path / "s.h5", steps=2, record="all")
    tr = nnviz.train("deep-relu", trace=tmp_path / "r.h5", steps=2, record="all")
    gs, gr = gradient_norms(ts)[0], gradient_norms(tr)[0]
    assert gs[0] / gs[-1] < 1e-4  # first layer's gradient 4+ orders of magnitude below the last
    assert 0.1 < gr[0] / gr[-1] < 10  # ReLU: the same order


# ---------------------------------------------------------------------------------------- CLI
def test_cli_backprop_gif(s131, tmp_path):
    out = tmp_path / "bp.gif"
    r = CliRunner().invoke(cli, ["backprop", str(s131.path), "-o", str(out), "--fps", "5", "--size", "640x360",
                                 "--step", "2", "-q"])
    assert r.exit_code == 0, r.output
    keys = phase_frames(s131, 2, morph=max(1, round(0.8 * 5)), fps=5)
    info = read_gif_info(out)
    assert info["n_frames"] == sum(k.hold for k in keys) + 8  # then the default 1.5 s hold at 5 fps
    assert info["size"] == (640, 360) and info["loop"] == 0
    from PIL import Image

    with Image.open(out) as im:
        im.seek(info["n_frames"] - 1)
        last = np.asarray(im.convert("RGB"))
    assert last.shape == (360, 640, 3) and last.std() > 10


def test_cli_backprop_default_size_still_and_steps(s131, tmp_path):
    out = tmp_path / "still.png"
    r = CliRunner().invoke(cli, ["backprop", str(s131.path), "-o", str(out), "--phase", "update", "--step", "1"])
    assert r.exit_code == 0, r.output
    assert "wrote" in r.output
    from PIL import Image

    with Image.open(out) as im:
        assert im.size == (1280, 720)
    out = tmp_path / "seq.gif"
    r = CliRunner().invoke(cli, ["backprop", str(s131.path), "-o", str(out), "--frames", "0,1,2", "--fps", "4",
                                 "--size", "320x180", "--detail", "phases", "-q"])
    assert r.exit_code == 0, r.output
    keys = backprop_frames(s131, [0, 1, 2], detail="phases", fps=4)
    assert read_gif_info(out)["n_frames"] == sum(k.hold for k in keys) + 6  # the 1.5 s hold at 4 fps


@pytest.mark.parametrize("args, message", [
    (["--step", "99"], "step 99 is not recorded; nearby recorded steps: 10, 11, 12"),
    (["--sample", "3"], "sample 3 is out of range"),
    (["--sample", "first"], "--sample must be a probe sample index or 'mean'"),
    (["--phase", "loss"], "--phase draws a single still"),
    (["--step", "1", "--frames", "0:3"], "either --step K or --frames SPEC"),
    (["--frames", "50:60"], "selects no recorded step"),
])
def test_cli_backprop_errors(s131, tmp_path, args, message):
    r = CliRunner().invoke(cli, ["backprop", str(s131.path), "-o", str(tmp_path / "x.gif"), "-q"] + args)
    assert r.exit_code == 1, r.output
    assert message in r.output
    assert r.output.count("\n") == 1 and r.output.startswith("Error: ")
    assert not (tmp_path / "x.gif").exists()


def test_cli_animate_network_and_gradflow(moons_trace, tmp_path):
    out = tmp_path / "net.gif"
    r = CliRunner().invoke(cli, ["animate", str(moons_trace.path), "--view", "network,gradflow", "-o", str(out),
                                 "--frames", "0,1,3", "--size", "640x360", "-q"])
    assert r.exit_code == 0, r.output
    assert read_gif_info(out)["n_frames"] >= 3  # one frame per step (the pipeline may add an end hold)


@pytest.mark.parametrize("preset", ["sample131", "xor"])
def test_value_labels_do_not_overlap(preset, tmp_path):
    trace = nnviz.train(preset, trace=tmp_path / "t.h5", steps=2, record="all")
    view, layout = _layout(trace)
    for key in (SubFrame(0, "grad", 1), SubFrame(0, "update", t=1.0)):
        layout.render(key)
        renderer = layout.canvas.get_renderer()
        boxes = [(t.get_gid(), t.get_window_extent(renderer)) for t in view.ax.texts
                 if t.get_gid() and t.get_visible() and t.get_text() and t.get_gid() != "caption"]
        assert len(boxes) > 20
        for i, (g1, b1) in enumerate(boxes):
            for g2, b2 in boxes[i + 1:]:
                assert not b1.overlaps(b2), (preset, key.phase, g1, g2)

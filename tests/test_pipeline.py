"""The one pipeline, the one output classifier, the view registry and sources.trace_for."""

import sys
import types

import numpy as np
import pytest

from nnviz.export import FormatError, classify, read_gif_info
from nnviz.render import Layout, build_layout, render
from nnviz.render.base import View, load_views, register_view, view_class, view_names


@pytest.mark.parametrize("path, kind, writer", [
    ("a.gif", "movie", "gif"), ("a.MP4", "movie", "mp4"), ("a.webm", "movie", "webm"),
    ("a.html", "player", "html"), ("a.htm", "player", "html"), ("out/", "frames", "png-frames"),
    ("m-{step:03d}.png", "frames", "png-frames"), ("a.png", "still", None), ("a.svg", "still", None),
    ("a.pdf", "still", None),
])
def test_classify(path, kind, writer):
    t = classify(path)
    assert (t.kind, t.writer) == (kind, writer)
    assert t.vector == (path.endswith((".svg", ".pdf")))


def test_classify_unknown_suffix_lists_the_supported_outputs():
    with pytest.raises(FormatError, match=r"'\.avi'.*gif \(\.gif\).*still \(\.png, \.svg, \.pdf\)"):
        classify("x.avi")


class _Counting:
    """A frame source that counts what it draws: frame k is filled with the value k."""

    def __init__(self):
        self.drawn = []

    def frames(self, keys):
        for k in keys:
            self.drawn.append(int(k))
            yield k, np.full((48, 64, 3), int(k) % 256, np.uint8)

    def savefig(self, path, key):  # pragma: no cover - not used for raster outputs
        raise AssertionError("a raster still is the movie frame, not a savefig")


def test_every_frame_is_drawn_once_palette_and_holds_included(tmp_path):
    src = _Counting()
    keys = [0, 1, 1, 2, 3, 3, 3]
    out, n = render(src, keys, tmp_path / "c.gif", fps=10, holds=[1, 1, 1, 1, 1, 1, 2], palette=[0, 3, 6])
    assert sorted(src.drawn) == [0, 1, 2, 3]          # 1 and 3 repeat in a row: drawn once
    assert src.drawn[:3] == [0, 2, 3]                  # the palette's frames first
    assert n == 8 and read_gif_info(out)["n_frames"] == 8


def test_png_frames_get_one_file_per_key_and_a_png_still_is_that_frame(tmp_path):
    src = _Counting()
    render(src, [0, 5, 9], tmp_path / "f-{step}.png", holds=[3, 3, 3])
    assert sorted(p.name for p in tmp_path.glob("f-*.png")) == ["f-0.png", "f-5.png", "f-9.png"]
    out, n = render(src, [0, 5, 9], tmp_path / "s.png")
    from PIL import Image

    assert n == 1 and np.asarray(Image.open(out))[0, 0, 0] == 9


def test_a_failed_render_leaves_the_old_file(tmp_path):
    old = tmp_path / "m.gif"
    old.write_bytes(b"old")

    class Broken(_Counting):
        def frames(self, keys):
            yield keys[0], np.zeros((48, 64, 3), np.uint8)
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        render(Broken(), [0, 1, 2], old)
    assert old.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["m.gif"]


def test_vector_still_is_committed_atomically(tmp_path, moons_trace):
    lay = build_layout([moons_trace], size=(320, 240))
    out, n = render(lay, [3, 7], tmp_path / "s.svg")
    assert n == 1 and out.read_text().lstrip().startswith("<?xml")
    assert [p.name for p in tmp_path.iterdir()] == ["s.svg"]


def test_registry_lists_every_view_and_refuses_an_unregistered_one():
    views = load_views()
    assert {"boundary", "loss", "neurons", "hidden", "fit", "network", "weights", "gradflow", "ode"} <= set(views)
    assert view_names("sweep") == ["approx-error", "bumps", "towers"]
    assert "versus" not in view_names()  # needs a construction: nnviz versus draws it
    with pytest.raises(ValueError, match="unknown view 'nope'; choose from: boundary"):
        view_class("nope")

    from nnviz.render import base

    mod = types.ModuleType("nnviz.render.views.forgotten")

    class ForgottenView(View):
        name = "forgotten"

    ForgottenView.__module__ = mod.__name__
    mod.ForgottenView = ForgottenView
    with pytest.raises(RuntimeError, match="ForgottenView is a View but is not registered"):
        base._check_registered(mod)
    register_view(ForgottenView)
    try:
        base._check_registered(mod)  # registered now: fine
    finally:
        base.VIEWS.pop("forgotten")


def test_register_view_refuses_a_second_class_of_the_same_name():
    class Other(View):
        name = "boundary"

    with pytest.raises(ValueError, match="two views are called 'boundary'"):
        register_view(Other)


def test_renderers_take_traces_not_presets(tmp_path):
    from nnviz.render import animate

    with pytest.raises(ValueError, match="not a trace.*trace_for"):
        animate("moons", tmp_path / "m.gif")


def test_trace_for(tmp_path, moons_trace):
    from nnviz.sources import is_trace_file, trace_for

    assert trace_for(moons_trace) is moons_trace
    assert is_trace_file(moons_trace.path) and not is_trace_file("moons") and not is_trace_file("a.toml")
    with pytest.raises(ValueError, match="do not apply"):
        trace_for(moons_trace.path, steps=3)
    tr = trace_for("xor-identity-1", tmp_path / "x.h5", steps=4)
    assert tr.path == tmp_path / "x.h5" and int(tr.all_steps[-1]) == 4


def test_renderers_do_not_import_training():
    """Rendering loads no preset table and no trace source: the renderers draw traces, and
    sources.trace_for (which the CLI and the notebook call) trains. (The ode view reads the
    equation from nnviz.ode; nnviz itself imports nnviz.train for nnviz.train().)"""
    import subprocess

    code = ("import sys, nnviz.render, nnviz.render.sweeps, nnviz.export; nnviz.render.load_views();"
            "print(sorted(m for m in sys.modules if m.startswith('nnviz.') and m.split('.')[1] in "
            "('sources', 'presets', 'exercises', 'gallery', 'cli', 'notebook')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_activation_facts_come_from_the_name_table():
    from nnviz.nn import get_activation
    from nnviz.ode import SECOND_DERIVATIVES

    sig = get_activation("sigmoid")
    assert (sig.title, sig.symbol, sig.range, sig.scale) == ("sigmoid", "σ", (0.0, 1.0), (0.5, 0.5))
    assert get_activation("relu").title == "ReLU" and get_activation("relu").range is None
    assert get_activation("linear").title == "linear" and get_activation("tanh").scale == (0.0, 1.0)
    z = np.linspace(-4, 4, 81)[None]
    h = 1e-4
    for name, d2 in SECOND_DERIVATIVES.items():  # f'' against central differences of f'
        act = get_activation(name)
        f1 = lambda x: act.df(x, act(x))  # noqa: E731
        num = (f1(z + h) - f1(z - h)) / (2 * h)
        ok = np.abs(z) > 1e-2  # ReLU's and ELU's kink at 0
        np.testing.assert_allclose(d2(z, act(z))[ok], num[ok], atol=1e-6, err_msg=name)


def test_layout_is_a_frame_source(moons_trace):
    lay = build_layout([moons_trace], size=(320, 240))
    assert isinstance(lay, Layout) and hasattr(lay, "frames") and hasattr(lay, "savefig")


def test_gif_encoder_process_error_is_one_message_and_keeps_the_old_file(tmp_path, monkeypatch):
    from nnviz.export import gif, open_writer
    from nnviz.forked import can_fork

    if not can_fork():
        pytest.skip("no forked encoder on this platform")
    frames = [np.full((48, 64, 3), k, np.uint8) for k in range(12)]
    plain = tmp_path / "plain.gif"
    monkeypatch.setenv("NNVIZ_NO_FORK", "1")  # the thread path writes the very same bytes
    with open_writer(plain, fps=10, palette_frames=frames[:1]) as w:
        for f in frames:
            w.write(f)
    monkeypatch.delenv("NNVIZ_NO_FORK")
    forked = tmp_path / "forked.gif"
    with open_writer(forked, fps=10, palette_frames=frames[:1]) as w:
        for f in frames:
            w.write(f)
    assert forked.read_bytes() == plain.read_bytes()

    encode = gif.GifWriter._encode

    def broken(self, frame):
        if self._n_encoded == 3:
            raise ValueError("boom")
        encode(self, frame)

    monkeypatch.setattr(gif.GifWriter, "_encode", broken)
    old = tmp_path / "old.gif"
    old.write_bytes(b"old")
    with pytest.raises(RuntimeError, match="encoder process failed: ValueError: boom"):
        with open_writer(old, fps=10, palette_frames=frames[:1]) as w:
            for f in frames:
                w.write(f)
    assert old.read_bytes() == b"old" and sorted(p.name for p in tmp_path.iterdir()) == [
        "forked.gif", "old.gif", "plain.gif"]


def test_nnvizs_own_processes_keep_freed_memory_for_the_next_array():
    """nnviz.memory: in the processes nnviz owns (the command line, forked children), an array of a
    few hundred kB made again and again reuses freed memory instead of faulting in fresh pages."""
    import subprocess
    import sys

    code = ("import resource, sys, numpy as np\n"
            "from nnviz.memory import keep_freed_memory\n"
            "if sys.argv[1] == 'keep': assert keep_freed_memory()\n"
            "z = np.ones((1438, 50))\n"
            "for _ in range(10): np.exp(np.negative(z))\n"
            "f = resource.getrusage(resource.RUSAGE_SELF).ru_minflt\n"
            "for _ in range(100): np.exp(np.negative(z))\n"
            "print((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f) / 100)\n")
    if not sys.platform.startswith("linux"):
        pytest.skip("glibc's allocator only")
    faults = {how: float(subprocess.run([sys.executable, "-c", code, how], capture_output=True, text=True,
                                        check=True).stdout) for how in ("keep", "default")}
    assert faults["keep"] < 1 and faults["default"] > 50, faults  # 575 kB arrays: 140 pages each


def test_a_forked_child_multiplies_on_one_thread_without_a_busy_blas_pool(tmp_path):
    """nnviz.forked: the child's BLAS stays on one thread and OpenBLAS's pool, which a fork makes
    anew (its threads busy-wait), is shut down: the child is one thread, however large its products."""
    from nnviz.forked import ForkedWorker, can_fork
    from nnviz.nn.threads import load_controller

    if not can_fork():
        pytest.skip("no forked workers on this platform")
    a = np.random.default_rng(0).normal(size=(400, 400))
    a @ a  # the parent's OpenBLAS pool is running
    load_controller()
    out = tmp_path / "threads.txt"

    def work(item):
        (a @ a).sum()
        status = open("/proc/self/status").read()
        with open(out, "a") as fh:
            fh.write(status.split("Threads:")[1].split()[0] + "\n")

    w = ForkedWorker((4,), work, lambda why: None, dtype=np.float64)
    for _ in range(3):
        w.submit(np.zeros(4))
    w.close()
    assert out.read_text().split() == ["1", "1", "1"]

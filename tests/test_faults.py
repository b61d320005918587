"""Nothing lost, nothing silently wrong: outputs that are not files, two writers, a full disk,
corrupt traces and absurd requests, tried for real (the real CLI in a subprocess, a real tmpfs)."""

import os
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import json

import h5py
import numpy as np
import pytest

import nnviz
from nnviz.trace import TraceError
from nnviz.trace.store import attrs_digest

CLI = [sys.executable, "-c", "from nnviz.cli import main; main()"]


def cli(*args, cwd=None, timeout=120):
    return subprocess.run(CLI + [str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=timeout)


def one_line(p, *fragments):
    assert p.returncode in (1, 2), (p.returncode, p.stderr)     # an error (2: click usage), never a signal
    lines = [ln for ln in p.stderr.splitlines() if ln.strip() and "training " not in ln[:10]]
    lines = [ln for ln in lines if not ln.startswith("\r")]
    assert "Traceback" not in p.stderr and "Exception ignored" not in p.stderr, p.stderr
    last = p.stderr.strip().splitlines()[-1].split("\r")[-1].strip()
    assert last.startswith("Error: "), p.stderr
    for f in fragments:
        assert f in last, last
    return last


@pytest.fixture(scope="module")
def xor_trace(tmp_path_factory):
    path = tmp_path_factory.mktemp("faults") / "xor.h5"
    nnviz.train("xor", trace=path, steps=20, record="all").close()
    return path


#: a small convolutional network on 200 digits (the corruption guarantees hold for CNN traces too)
TINY_CNN = {
    "data": {"name": "digits", "n": 200, "test_fraction": 0.2, "scaled": False},
    "model": {"layers": [{"kind": "conv2d", "filters": 2, "kernel": 3, "padding": 1, "activation": "relu"},
                         {"kind": "maxpool2d"}, {"kind": "flatten"}, {"kind": "dense", "units": 10, "activation": "softmax"}]},
    "init": {"weights": "truncated_normal", "sigma": 0.1, "bias": 0.1},
    "train": {"loss": "cross_entropy", "optimizer": "gd", "lr": 0.05, "steps": 20, "record": "all", "probe": 4},
}


@pytest.fixture(scope="module")
def cnn_trace(tmp_path_factory):
    path = tmp_path_factory.mktemp("faults") / "cnn.h5"
    nnviz.train(TINY_CNN, trace=path).close()
    return path


@pytest.fixture(params=["xor", "cnn"])
def any_trace(request):
    return request.getfixturevalue(f"{request.param}_trace")


# ----------------------------------------------------------------------------- outputs that are not files
def test_outputs_that_are_not_regular_files_are_refused_and_kept(tmp_path):
    dev = tmp_path / "null"
    os.mknod(dev, 0o666 | stat.S_IFCHR, os.makedev(1, 3)) if os.geteuid() == 0 else None
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    sock_path = tmp_path / "sock"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(sock_path))
    folder = tmp_path / "folder"
    folder.mkdir()
    cases = [(fifo, "named pipe"), (sock_path, "socket"), (folder, "directory")]
    if dev.exists():
        cases.append((dev, "character device"))
    for target, kind in cases:
        before = os.stat(target)
        p = cli("train", "xor", "--steps", 2, "-o", target, timeout=30)       # a FIFO must not hang
        one_line(p, kind)
        after = os.stat(target)
        assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)   # still there, untouched
    sock.close()
    one_line(cli("train", "xor", "--steps", 2, "-o", os.devnull), "character device")
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_a_file_that_is_not_a_trace_is_never_replaced(tmp_path):
    mine = tmp_path / "notes.h5"
    mine.write_text("my notes")
    one_line(cli("train", "xor", "--steps", 2, "-o", mine), "not an nnviz trace")
    assert mine.read_text() == "my notes"
    empty = tmp_path / "empty.h5"
    empty.touch()
    one_line(cli("train", "xor", "--steps", 2, "-o", empty), "not an nnviz trace")
    assert empty.exists() and empty.stat().st_size == 0


# ----------------------------------------------------------------------------- two writers
def test_a_second_writer_is_refused_and_the_first_run_is_untouched(tmp_path):
    out = tmp_path / "same.h5"
    first = subprocess.Popen(CLI + ["train", "moons", "--steps", "30000", "--record", "log2", "-q", "-o", str(out)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 60
        while not (tmp_path / "same.h5.partial").exists() and time.time() < deadline:
            time.sleep(0.1)
        second = cli("train", "xor", "--steps", 5, "-o", out)
        one_line(second, "another nnviz run is writing", "same.h5")
    finally:
        _, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    with nnviz.load_trace(out) as tr:
        assert tr.config["name"] == "moons" and tr.status == "complete" and tr.all_steps[-1] == 30000
    assert not (tmp_path / "same.h5.partial").exists() and not (tmp_path / ".same.h5.nnviz-lock").exists()


# ----------------------------------------------------------------------------- a full disk
@pytest.fixture
def small_disk(tmpfs):
    return tmpfs("16m")


def test_disk_full_while_training_is_one_line_and_keeps_the_previous_trace(small_disk, fill_disk):
    out = small_disk / "t.h5"
    assert cli("train", "xor", "--steps", 5, "-q", "-o", out).returncode == 0
    old = out.read_bytes()
    # an estimate far beyond the disk is refused before anything is written
    one_line(cli("train", "moons", "--record", "all", "--steps", 3000, "-o", out), "would write a trace of about",
             "free", "--record every:")
    # a disk that fills up during the run: scalars only (the estimate fits), then a filler takes the rest
    run = subprocess.Popen(CLI + ["train", "xor", "--steps", "300000", "--record", "none", "-q", "-o", str(out)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while not (small_disk / "t.h5.partial").exists() and time.time() < deadline:
        time.sleep(0.05)
    fill_disk(small_disk / "filler")
    _, err = run.communicate(timeout=120)
    p = subprocess.CompletedProcess(run.args, run.returncode, "", err)
    one_line(p, "no space left on device writing", "the previous trace is unchanged")
    assert out.read_bytes() == old                                          # intact
    assert not (small_disk / "t.h5.partial").exists()                       # no half file claiming anything
    (small_disk / "filler").unlink()
    with nnviz.load_trace(out) as tr:
        assert tr.status == "complete" and tr.all_steps[-1] == 5


def test_disk_full_in_a_users_loop_raises_one_clean_error(small_disk):
    X = np.random.default_rng(0).normal(size=(2000, 2))
    y = (X[:, 0] > 0).astype(float)
    W1, W2 = np.ones((2, 64)), np.ones((64, 1))
    with pytest.raises(OSError, match="no space left on device writing .*no trace was written"):
        with nnviz.Recorder(small_disk / "u.h5", X, y, sizes=[2, 64, 1], activations=["tanh", "sigmoid"],
                            loss="bce", record="all") as rec:                # no steps given: no estimate
            for k in range(100000):
                rec.step(k, [(W1, np.zeros(64)), (W2, np.zeros(1))])
    assert list(small_disk.iterdir()) == []


# ----------------------------------------------------------------------------- corrupt traces
def _variants(src, tmp):
    """Structural edits a damaged or hostile trace may carry: (name, edit(f))."""
    def attr(key, value):
        return lambda f: f.attrs.__setitem__(key, value)

    def replace(name, data, checksum=True):
        def edit(f):
            del f[name]
            if checksum:
                f.create_dataset(name, data=data, chunks=True, fletcher32=True)
            else:
                f[name] = data
        return edit

    def resize(name, n):
        return lambda f: f[name].resize(n, axis=0)

    other = tmp / "other.h5"
    with h5py.File(src, "r") as f, h5py.File(other, "w") as g:
        shape = f["tensors/W1"].shape
        g["W1"] = np.ones(shape)

    def external(f):
        del f["tensors/W1"]
        f["tensors/W1"] = h5py.ExternalLink(str(other), "W1")

    def soft_loop(f):
        f["tensors/loop"] = h5py.SoftLink("/tensors/loop")

    def virtual(f):
        layout = h5py.VirtualLayout(shape=f["tensors/W1"].shape, dtype=float)
        layout[:] = h5py.VirtualSource(str(other), "W1", shape=shape)
        del f["tensors/W1"]
        f.create_virtual_dataset("tensors/W1", layout)

    def compound(f):
        del f["scalars/loss"]
        f.create_dataset("scalars/loss", data=np.zeros(21, dtype=[("a", "f8"), ("b", "i4")]), chunks=True,
                         fletcher32=True)

    with h5py.File(src, "r") as f:
        X_shape, sizes, conv = f["data/X"].shape, f.attrs["sizes"].copy(), "layers" in f.attrs
        layers = json.loads(f.attrs["layers"]) if conv else None
    sizes[1] += 1

    def relabel(edit):
        """A hostile edit that also recomputes the digest, so the structure checks must catch it."""
        def go(f):
            edit(f)
            f["digest"][0] = attrs_digest(f.attrs).encode()
        return go

    def layer_list(change):
        def edit(f):
            spec = json.loads(f.attrs["layers"])
            change(spec)
            f.attrs["layers"] = json.dumps(spec)
        return relabel(edit)

    def nan_weights(f):
        w = f["tensors/W1"][...]
        w[3] = np.nan
        del f["tensors/W1"]
        f.create_dataset("tensors/W1", data=w, chunks=(1,) + w.shape[1:], fletcher32=True)

    return [
        ("status as an int", replace("status", np.array([3]))),
        ("unknown status", replace("status", np.array([b"finished"], dtype="S16"))),
        ("schema as a list", attr("schema", [1, 2])),
        ("config as a JSON list", attr("config", "[1, 2]")),
        ("config not JSON", attr("config", "{oops")),
        ("sizes inconsistent with W", attr("sizes", sizes)),
        ("sizes inconsistent with W, digest redone", relabel(attr("sizes", sizes))),
        ("too few activations", attr("activations", '["tanh"]')),
        ("unknown activation", attr("activations", '["tanh", "evil"]')),
        ("negative steps", replace("scalars/step", -np.arange(21))),
        ("bogus step numbers", replace("scalars/step", np.array([0] * 21))),
        ("soft-link loop", soft_loop),
        ("external link", external),
        ("virtual dataset", virtual),
        ("compound dtype", compound),
        ("huge tensors/step", resize("tensors/step", 400_000_000)),
        ("huge scalars", resize("scalars/loss", 400_000_000)),
        ("NaN weights, complete run", nan_weights),
        ("checksum filter stripped", replace("data/X", np.zeros(X_shape), checksum=False)),
    ] + ([] if not conv else [
        ("layer list removed", relabel(lambda f: f.attrs.__delitem__("layers"))),
        ("layer list not JSON", relabel(attr("layers", "{oops"))),
        ("layer list: more filters", layer_list(lambda s: s["layers"][0].update(filters=3, out=[3, 8, 8]))),
        ("layer list: unknown kind", layer_list(lambda s: s["layers"][0].update(kind="conv3d"))),
        ("layer list: stride 2", layer_list(lambda s: s["layers"][0].update(stride=2))),
        ("layer list: huge input", layer_list(lambda s: s.update(input=[1, 100000, 100000]))),
        ("layer list: not a list", layer_list(lambda s: s.update(layers="conv"))),
        ("conv maps of the wrong shape", replace("tensors/a1", np.zeros((21, 4, 2, 4, 4)))),
        ("filters of the wrong shape", replace("tensors/W1", np.zeros((21, 2, 1, 2, 2)))),
        ("pooled maps missing", lambda f: f["tensors"].__delitem__("a2")),
    ])


def _flip_one_byte(path, offset):
    with open(path, "r+b") as fh:
        fh.seek(offset)
        b = fh.read(1)
        fh.seek(offset)
        fh.write(bytes([b[0] ^ 0x55]))


def _use(path):
    """What a renderer does with a trace: open it, read every recorded step, the data and the summary."""
    with nnviz.load_trace(path) as tr:
        tr.summary()
        _ = tr.data.X, tr.data.y, tr.probe_index
        tr.param_stack()
        for s in tr.steps:
            tr.params(s), tr.grads(s), tr.activations(s), tr.deltas(s), tr.preactivations(s)
            tr.model_at(s)
        return tr.loss.copy(), [tr.params(s) for s in tr.steps]


def test_corrupt_traces_are_refused_with_one_line_naming_the_file(any_trace, tmp_path):
    import shutil

    results = {}
    for name, edit in _variants(any_trace, tmp_path):
        bad = tmp_path / f"bad-{len(results)}.h5"
        shutil.copy(any_trace, bad)
        with h5py.File(bad, "r+") as f:
            edit(f)
        with pytest.raises(TraceError) as e:
            _use(bad)
        msg = str(e.value)
        assert str(bad) in msg and "\n" not in msg, (name, msg)
        results[name] = msg
        p = cli("animate", bad, "-o", tmp_path / "x.gif")
        assert p.returncode == 1 and "Traceback" not in p.stderr, (name, p.stderr)
    assert not (tmp_path / "x.gif").exists()


def test_byte_flips_are_detected_or_change_nothing(any_trace, tmp_path):
    """A seeded fuzz: 300 single-byte flips anywhere in a valid trace. Each one is refused with a
    TraceError, or the trace reads back exactly as before: never a traceback, never a different picture."""
    import shutil

    loss, params = _use(any_trace)
    size = any_trace.stat().st_size
    rng = np.random.default_rng(0)
    refused = same = 0
    for i, offset in enumerate(rng.integers(0, size, 300)):
        bad = tmp_path / "flip.h5"
        shutil.copy(any_trace, bad)
        _flip_one_byte(bad, int(offset))
        try:
            loss2, params2 = _use(bad)
        except TraceError as e:
            assert "\n" not in str(e) and str(bad) in str(e)
            refused += 1
            continue
        np.testing.assert_array_equal(loss2, loss, err_msg=f"flip at {offset} changed the loss silently")
        for p, q in zip(params, params2):
            for (W, b), (W2, b2) in zip(p, q):
                np.testing.assert_array_equal(W, W2, err_msg=f"flip at {offset} changed weights silently")
        same += 1
    assert refused + same == 300 and refused > 0


# ----------------------------------------------------------------------------- absurd requests, grammars
@pytest.mark.parametrize("args, fragment", [
    (["--steps", "1000000", "--record", "all"], "would write a trace of about"),
])
def test_huge_runs_are_refused_before_work(tmp_path, args, fragment):
    t = time.time()
    one_line(cli("train", "moons", *args, "-o", tmp_path / "h.h5"), fragment)
    assert time.time() - t < 30 and not (tmp_path / "h.h5").exists()


@pytest.mark.parametrize("toml, fragment", [
    ("[model]\nhidden = [1000000000]\n", "far wider"),
    ("[train]\nsteps = 1e12\n", "train.steps"),
    ("[train]\nsteps = inf\n", "train.steps"),
    ("[train]\nlr = nan\n", "train.lr"),
    ("[train]\noptimizer = \"adam\"\nbeta2 = 1\n", "train.beta2"),
    ("[data]\nname = \"moons\"\nn = 400000000\n", "data.n"),
    ("x = " + "[" * 10000 + "]" * 10000 + "\n", "nested too deeply"),
])
def test_absurd_configs_are_refused_in_one_line(tmp_path, toml, fragment):
    cfg = tmp_path / "c.toml"
    cfg.write_text(toml)
    one_line(cli("train", cfg, "-o", tmp_path / "c.h5"), fragment)


# ----------------------------------------------------------------------------- render outputs
def test_render_outputs_that_are_not_files_bad_patterns_and_huge_grids_are_one_line(tmp_path, xor_trace):
    fifo = tmp_path / "movie.gif"
    os.mkfifo(fifo)
    one_line(cli("animate", xor_trace, "-o", fifo, timeout=60), "named pipe")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    for pattern in ("f-{step[0]}.png", "f-{step.__class__}.png", "f-{step:>999999999}.png"):
        one_line(cli("animate", xor_trace, "-o", tmp_path / "fr" / pattern, timeout=60), "bad file name pattern")
    one_line(cli("animate", xor_trace, "--opt", "boundary.resolution=100000", "-o", tmp_path / "r.gif"),
             "boundary.resolution must be")
    assert not (tmp_path / "r.gif").exists()


def test_a_killed_renders_temporary_files_are_removed_by_the_next_write(tmp_path, xor_trace):
    stale = tmp_path / ".x.nnviz-tmp-dead0001.gif"
    stale.write_bytes(b"half a gif")
    mine = tmp_path / ".x.notes.gif"                        # not nnviz's: left alone
    mine.write_bytes(b"mine")
    p = cli("animate", xor_trace, "--max-frames", 3, "--size", "320x240", "-q", "-o", tmp_path / "x.gif")
    assert p.returncode == 0, p.stderr
    assert sorted(q.name for q in tmp_path.iterdir()) == [".x.notes.gif", "x.gif"]

"""Tests for nnviz.export: write synthetic frames, decode them, compare."""

from __future__ import annotations

import os

import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image

from nnviz.export import (
    WRITERS,
    FormatError,
    OutputPathError,
    Writer,
    open_writer,
    probe_video,
    read_gif_info,
    register_writer,
    supported_formats,
)
from nnviz.export.gif import build_palette, gif_delay_cs


# -- synthetic frames ----------------------------------------------------------


def smooth_frames(n: int, h: int = 48, w: int = 64) -> list[np.ndarray]:
    """Heat-map-like frames: a drifting scalar field through a colour map, plus a white box."""
    y, x = np.mgrid[0:h, 0:w]
    anchors = np.array([[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]])
    out = []
    for t in range(n):
        v = 0.5 + 0.25 * np.sin(x / 10 + t / 4) + 0.25 * np.cos(y / 8 - t / 5)
        v = np.clip(v, 0, 1) * 3.999
        i = v.astype(int)
        f = (anchors[i] + (anchors[i + 1] - anchors[i]) * (v - i)[..., None]).astype(np.uint8)
        s = 4 + 3 * t % (w - 16)
        f[10:22, s : s + 12] = 255
        out.append(f)
    return out


def flat_frames(n: int, h: int = 48, w: int = 64) -> list[np.ndarray]:
    """Flat plot-like frames (few colours): white, axes, a moving dot, a growing line."""
    out = []
    for t in range(n):
        f = np.full((h, w, 3), 255, np.uint8)
        f[h - 6, 4:] = 0
        f[:, 4] = 0
        f[20 + t % 5 : 24 + t % 5, 10 + 2 * t : 14 + 2 * t] = (214, 39, 40)
        f[h - 10, 5 : 6 + t] = (31, 119, 180)
        out.append(f)
    return out


def write_all(path, frames, fps=20, **options):
    with open_writer(path, fps=fps, **options) as w:
        for i, f in enumerate(frames):
            w.write(f, step=i)
    return w


def gif_frames_rgb(path) -> list[np.ndarray]:
    with Image.open(path) as im:
        out = []
        for i in range(im.n_frames):
            im.seek(i)
            out.append(np.asarray(im.convert("RGB")).copy())
    return out


def leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if "nnviz-tmp" in p.name)


# -- GIF -------------------------------------------------------------------------


def test_gif_flat_frames_exact(tmp_path):
    frames = flat_frames(12)
    path = tmp_path / "flat.gif"
    write_all(path, frames, fps=20)
    info = read_gif_info(path)
    assert info == {
        "n_frames": 12,
        "size": (64, 48),
        "loop": 0,
        "durations_ms": [50] * 12,
        "global_palette_only": True,
    }
    for src, got in zip(frames, gif_frames_rgb(path)):
        np.testing.assert_array_equal(got, src)  # few colours: lossless
    assert not leftovers(tmp_path)


def test_gif_smooth_frames_streaming(tmp_path):
    frames = smooth_frames(10)
    path = tmp_path / "smooth.gif"
    write_all(path, frames, sample_frames=3)  # palette from 3 frames, rest streamed
    info = read_gif_info(path)
    assert info["n_frames"] == 10 and info["global_palette_only"] and info["loop"] == 0
    for src, got in zip(frames, gif_frames_rgb(path)):
        err = np.abs(got.astype(int) - src)
        assert err.mean() < 2 and err.max() < 20


def test_gif_palette_frames_and_buffer_reuse(tmp_path):
    frames = smooth_frames(6)
    path = tmp_path / "p.gif"
    buf = np.zeros_like(frames[0])
    with open_writer(path, palette_frames=[frames[0], frames[-1]]) as w:
        for f in frames:
            buf[...] = f  # the caller reuses one array
            w.write(buf)
    decoded = gif_frames_rgb(path)
    assert len(decoded) == 6
    assert np.abs(decoded[3].astype(int) - frames[3]).mean() < 6


def test_gif_buffered_frames_are_copied(tmp_path):
    frames = flat_frames(4)
    buf = frames[0].copy()
    path = tmp_path / "b.gif"
    with open_writer(path) as w:  # all 4 frames stay in the palette buffer
        for f in frames:
            buf[...] = f
            w.write(buf)
    for src, got in zip(frames, gif_frames_rgb(path)):
        np.testing.assert_array_equal(got, src)


def test_gif_writes_only_changed_rectangle(tmp_path):
    base = smooth_frames(1, 96, 128)[0]
    frames = []
    for t in range(20):
        f = base.copy()
        f[40:44, 10 + t : 14 + t] = 0  # a small moving square
        frames.append(f)
    one, many = tmp_path / "one.gif", tmp_path / "many.gif"
    write_all(one, frames[:1])
    write_all(many, frames)
    assert many.stat().st_size < 1.5 * one.stat().st_size
    assert gif_frames_rgb(many)[-1][40:44, 29:33].max() == 0


def test_gif_identical_frames_keep_count(tmp_path):
    f = flat_frames(1)[0]
    path = tmp_path / "still.gif"
    write_all(path, [f, f, f])
    assert read_gif_info(path)["n_frames"] == 3
    np.testing.assert_array_equal(gif_frames_rgb(path)[2], f)


def test_gif_tolerance_is_bounded(tmp_path):
    frames = smooth_frames(8)
    path = tmp_path / "lossy.gif"
    write_all(path, frames, tolerance=6)
    for src, got in zip(frames, gif_frames_rgb(path)):
        assert np.abs(got.astype(int) - src).mean() < 10


@pytest.mark.parametrize("fps", [20, 30, 12.5, 100])
def test_gif_durations(tmp_path, fps):
    path = tmp_path / "d.gif"
    write_all(path, flat_frames(6), fps=fps)
    d = read_gif_info(path)["durations_ms"]
    assert min(d) >= 20 and all(x % 10 == 0 for x in d)
    if fps <= 50:
        assert abs(sum(d) - 6 * 1000 / fps) <= 10
    assert [10 * gif_delay_cs(i, fps) for i in range(6)] == d


def test_build_palette_exact_and_cube():
    frames = flat_frames(3)
    pal = build_palette(frames, 255)
    colors = {tuple(c) for c in pal.tolist()}
    assert {(255, 255, 255), (0, 0, 0), (214, 39, 40), (31, 119, 180)} <= colors
    assert len(pal) <= 255
    assert tuple(pal[0]) == (255, 255, 255)  # most frequent first
    assert (0, 255, 0) in {tuple(c) for c in build_palette(frames, 255, reserve_cube=True).tolist()}


# -- MP4 / WebM ------------------------------------------------------------------


def test_mp4(tmp_path):
    frames = smooth_frames(10)
    path = tmp_path / "m.mp4"
    write_all(path, frames, fps=20, preset="ultrafast")
    info = probe_video(path)
    assert info["codec"] == "h264" and info["pix_fmt"] == "yuv420p"
    assert (info["width"], info["height"]) == (64, 48)
    assert info["n_frames"] == 10 and info["fps"] == 20
    gen = imageio_ffmpeg.read_frames(str(path))
    meta = next(gen)
    assert tuple(meta["size"]) == (64, 48)
    first = np.frombuffer(next(gen), np.uint8).reshape(48, 64, 3)
    gen.close()
    assert np.abs(first.astype(int) - frames[0]).mean() < 6
    assert not leftovers(tmp_path)


def test_webm(tmp_path):
    path = tmp_path / "m.webm"
    write_all(path, smooth_frames(5), fps=10, cpu_used=8)
    info = probe_video(path)
    assert info["codec"] == "vp9" and info["pix_fmt"] == "yuv420p"
    assert info["n_frames"] == 5


def test_mp4_takes_rgba_canvases_and_encodes_the_same_video(tmp_path):
    """A renderer may hand the MP4 writer its RGBA canvas (no copy to RGB): the same video."""
    frames = smooth_frames(6)
    rgba = [np.dstack([f, np.full(f.shape[:2], 255, np.uint8)]) for f in frames]
    write_all(tmp_path / "rgb.mp4", frames)
    write_all(tmp_path / "rgba.mp4", rgba)

    def decoded(path):
        gen = imageio_ffmpeg.read_frames(str(path))
        next(gen)
        return np.stack([np.frombuffer(b, np.uint8) for b in gen])

    assert np.array_equal(decoded(tmp_path / "rgb.mp4"), decoded(tmp_path / "rgba.mp4"))
    with pytest.raises(ValueError, match="shape"):  # the GIF writer takes RGB only
        write_all(tmp_path / "x.gif", rgba)
    with pytest.raises(ValueError, match="4 channels but the movie started with 3"):
        write_all(tmp_path / "mixed.mp4", [frames[0], rgba[1]])
    assert not leftovers(tmp_path)


def test_ffmpeg_failure_is_one_line_and_leaves_nothing(tmp_path):
    # the frames go through a pipe thread: ffmpeg's own first message comes back, the partial
    # output goes, and the thread is gone
    import threading

    before = set(threading.enumerate())  # other tests may have left threads of their own
    with pytest.raises(OSError, match=r"^ffmpeg could not write .*m\.mp4: x264 \[error\]: invalid preset 'nonsense'$"):
        with open_writer(tmp_path / "m.mp4", preset="nonsense") as w:
            for f in smooth_frames(40):
                w.write(f)
    assert list(tmp_path.iterdir()) == []
    assert not [t for t in set(threading.enumerate()) - before if t.name.endswith("-pipe")]


def test_mp4_odd_size(tmp_path):
    path = tmp_path / "odd.mp4"
    with pytest.raises(ValueError, match=r"64x47 is odd.*64x46"):
        with open_writer(path) as w:
            w.write(np.zeros((47, 64, 3), np.uint8))
    assert list(tmp_path.iterdir()) == []


# -- PNG -------------------------------------------------------------------------


@pytest.mark.parametrize("spec", ["frames/", "existing"])
def test_png_folder(tmp_path, spec):
    (tmp_path / "existing").mkdir()
    frames = flat_frames(3)
    target = str(tmp_path / spec) if spec == "existing" else str(tmp_path) + "/" + spec
    write_all(target, frames)
    folder = tmp_path / spec.rstrip("/")
    assert sorted(p.name for p in folder.iterdir()) == [f"frame_0000{i}.png" for i in range(3)]
    np.testing.assert_array_equal(np.asarray(Image.open(folder / "frame_00002.png")), frames[2])


def test_png_pattern(tmp_path):
    frames = flat_frames(3)
    with open_writer(tmp_path / "moons-{step:03d}.png") as w:
        for step, f in zip([0, 50, 100], frames):
            w.write(f, step=step)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["moons-000.png", "moons-050.png", "moons-100.png"]
    np.testing.assert_array_equal(np.asarray(Image.open(tmp_path / "moons-050.png")), frames[1])


def test_png_pattern_errors(tmp_path):
    f = flat_frames(1)[0]
    with pytest.raises(ValueError, match="needs a step"):
        with open_writer(tmp_path / "a-{step}.png") as w:
            w.write(f)
    with pytest.raises(ValueError, match="both give the file name"):
        with open_writer(tmp_path / "b-{step:01d}.png") as w:
            w.write(f, step=3)
            w.write(f, step=3)
    assert list(tmp_path.iterdir()) == []  # nothing half-written
    with pytest.raises(FormatError, match="must end in .png"):
        open_writer(tmp_path / "c-{step}.jpg")


def test_single_png(tmp_path):
    f = flat_frames(1)[0]
    write_all(tmp_path / "still.png", [f])
    np.testing.assert_array_equal(np.asarray(Image.open(tmp_path / "still.png")), f)
    with pytest.raises(ValueError, match="exactly one frame"):
        write_all(tmp_path / "two.png", [f, f])
    assert not (tmp_path / "two.png").exists()


# -- errors, clean-up, registry ----------------------------------------------------


def test_unknown_suffix_lists_formats(tmp_path):
    with pytest.raises(FormatError) as e:
        open_writer(tmp_path / "movie.avi")
    msg = str(e.value)
    assert "\n" not in msg and ".avi" in msg
    for s in (".gif", ".mp4", ".webm", ".png", "{step"):
        assert s in msg
    assert isinstance(e.value, ValueError)
    with pytest.raises(FormatError, match="no suffix"):
        open_writer(tmp_path / "movie")
    assert any(".gif" in s for s in supported_formats())


@pytest.mark.parametrize("name", ["m.gif", "m.mp4", "frames/", "m-{step}.png", "m.png"])
def test_parent_is_a_file(tmp_path, name):
    (tmp_path / "afile").write_text("x")
    with pytest.raises(OutputPathError, match="afile is a regular file") as e:
        open_writer(str(tmp_path / "afile" / "sub") + "/" + name)
    assert isinstance(e.value, OSError) and "\n" not in str(e.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]


def test_path_is_a_folder(tmp_path):
    (tmp_path / "movie.gif").mkdir()
    with pytest.raises(OutputPathError, match="is a folder"):
        open_writer(tmp_path / "movie.gif")


def test_missing_parents_are_created(tmp_path):
    path = tmp_path / "a" / "b" / "m.gif"
    write_all(path, flat_frames(2))
    assert read_gif_info(path)["n_frames"] == 2


@pytest.mark.parametrize("name", ["m.gif", "m.mp4", "m.webm", "frames/", "m-{step}.png"])
def test_exception_removes_partial_output(tmp_path, name):
    out = tmp_path / "new" / "dirs"
    with pytest.raises(RuntimeError):
        with open_writer(str(out) + "/" + name) as w:
            for i, f in enumerate(smooth_frames(3)):
                w.write(f, step=i)
            raise RuntimeError("render failed")
    assert list(tmp_path.iterdir()) == []  # created folders removed too


def test_exception_keeps_existing_file(tmp_path):
    old = tmp_path / "m.gif"
    old.write_bytes(b"old movie")
    with pytest.raises(RuntimeError):
        with open_writer(old) as w:
            w.write(flat_frames(1)[0])
            raise RuntimeError
    assert old.read_bytes() == b"old movie"
    assert not leftovers(tmp_path)
    write_all(old, flat_frames(2))  # a successful write replaces it
    assert read_gif_info(old)["n_frames"] == 2


def test_frame_checks(tmp_path):
    with pytest.raises(ValueError, match="dtype float64"):
        with open_writer(tmp_path / "a.gif") as w:
            w.write(np.zeros((8, 8, 3)))
    with pytest.raises(ValueError, match=r"shape \(8, 8\)"):
        with open_writer(tmp_path / "b.gif") as w:
            w.write(np.zeros((8, 8), np.uint8))
    with pytest.raises(ValueError, match="same size"):
        with open_writer(tmp_path / "c.gif") as w:
            w.write(np.zeros((8, 8, 3), np.uint8))
            w.write(np.zeros((8, 10, 3), np.uint8))
    with pytest.raises(ValueError, match="no frames"):
        with open_writer(tmp_path / "d.gif"):
            pass
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fps", [0, -1, float("nan"), "20"])
def test_bad_fps(tmp_path, fps):
    with pytest.raises(ValueError, match="fps"):
        open_writer(tmp_path / "a.gif", fps=fps)
    assert list(tmp_path.iterdir()) == []


def test_register_writer(tmp_path):
    @register_writer("txt-test", (".txt",))
    class TextWriter(Writer):
        description = "test only"

        def _write(self, frame, step):
            with open(self._tmp, "a") as fh:
                fh.write(f"{step} {frame.mean():.1f}\n")

    try:
        assert WRITERS["txt-test"] is TextWriter
        assert any(s.startswith("txt-test (.txt)") for s in supported_formats())
        write_all(tmp_path / "log.TXT", flat_frames(2))
        assert (tmp_path / "log.TXT").read_text().count("\n") == 2
        with pytest.raises(ValueError, match="already used"):
            register_writer("other", (".gif",))(type("G", (Writer,), {}))
    finally:
        del WRITERS["txt-test"]


def test_unknown_option(tmp_path):
    with pytest.raises(TypeError):
        open_writer(tmp_path / "a.gif", crf=18)
    assert list(tmp_path.iterdir()) == []


def test_gif_encoder_thread_errors_reach_the_caller(tmp_path, monkeypatch):
    """Frames are encoded on a worker thread; its failure must surface and leave no file."""
    from nnviz.export.gif import GifWriter

    def boom(self, frame):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(GifWriter, "_encode", boom)
    out = tmp_path / "x.gif"
    frame = np.zeros((32, 48, 3), np.uint8)
    with pytest.raises(RuntimeError, match="disk on fire"):
        with open_writer(out, fps=10, palette_frames=[frame]) as w:
            for _ in range(20):
                w.write(frame)
    assert not out.exists()

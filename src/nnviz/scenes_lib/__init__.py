"""Manim scenes driven by nnviz traces, for lecture videos.

The scene classes live in the submodules of this package (``backprop``, ``boundary``,
``bumps``, ``convolution``, ``landscape``, ``perceptron``) and import manim; this module does not,
so ``nnviz scene`` can list the scenes and explain what to install when manim is missing. The thin files in the repository's
``scenes/`` folder subclass these classes so that plain ``manim scenes/backprop.py BackpropFlow``
works too.

Which trace a scene reads
-------------------------
In order of precedence:

1. :func:`using` (what ``nnviz scene --trace/--preset/--duration`` sets),
2. the environment: ``NNVIZ_TRACE`` (a trace file), ``NNVIZ_PRESET`` (a preset name or a TOML
   config, trained when the scene starts), ``NNVIZ_DURATION`` (seconds of animation),
3. the scene's own small default network, trained when the scene starts.

Traces the scenes train are written to ``<manim media_dir>/nnviz_traces/``.

GIFs
----
A ``.gif`` is rendered as an MP4 first and converted with :func:`video_to_gif` (nnviz's
global-palette :class:`~nnviz.export.gif.GifWriter`): a few hundred kB where manim's own GIF writer
makes megabytes.
"""

from __future__ import annotations

import importlib
import logging

from .options import SceneOptions, scene_options, using
from .palette import SCENE_COLORS

__all__ = ["SCENES", "QUALITIES", "FORMATS", "SceneOptions", "scene_options", "using", "scene_class",
           "render_scene", "video_to_gif", "manim_missing_message"]

logger = logging.getLogger(__name__)

#: Scene name -> (module of this package, one-line description, uses a trace?)
SCENES: dict[str, tuple[str, str, bool]] = {
    "BackpropFlow": ("backprop", "the network with real weights: forward pass, backward pass, update, training",
                     True),
    "DecisionBoundary": ("boundary", "the decision boundary evolving with training, the data, the loss curve",
                         True),
    "BumpConstruction": ("bumps", "sigmoid to step, two steps to a bump, N bumps approximating f, the σ⁻¹ trick",
                         False),
    "ConstructedVsTrained": ("bumps", "the bump construction next to a trained network of the same width", True),
    "PerceptronRule": ("perceptron", "seed 001's perceptron learning rule moving the boundary point by point", False),
    "LossLandscape": ("landscape", "the loss surface in 3-D with the run's path rolling down it, the camera "
                      "turning once", True),
    "ConvolutionFlow": ("convolution", "a CNN's filter sliding over a probe digit, the feature map filling in, "
                                       "2x2 max-pooling", True),
}

#: quality letter (manim's -q) -> (manim quality name, resolution and frame rate)
QUALITIES = {
    "l": ("low_quality", "480p15"),
    "m": ("medium_quality", "720p30"),
    "h": ("high_quality", "1080p60"),
    "p": ("production_quality", "1440p60"),
    "k": ("fourk_quality", "2160p60"),
}
#: output suffix -> manim output format (".png": the last frame only)
FORMATS = {".mp4": "mp4", ".mov": "mov", ".webm": "webm", ".gif": "gif", ".png": "png"}

manim_missing_message = ("manim is not installed: pip install 'nnviz[manim]' (see the README for the system "
                         "packages it needs)")


def scene_class(name: str):
    """The manim Scene class called ``name`` (imports manim; ImportError if it is missing)."""
    if name not in SCENES:
        raise ValueError(f"unknown scene {name!r}; valid scenes: {', '.join(SCENES)}")
    _import_manim()
    module = importlib.import_module(f"{__name__}.{SCENES[name][0]}")
    return getattr(module, name)


def _import_manim():
    try:
        import manim
    except ModuleNotFoundError as e:
        if e.name and e.name.split(".")[0] == "manim":
            raise ImportError(manim_missing_message) from None
        raise ImportError(f"manim could not be imported ({e}); {manim_missing_message}") from None
    except ImportError as e:  # e.g. a system library of cairo or pango is missing
        raise ImportError(f"manim could not be imported ({e}); see the README for the system packages "
                          "it needs") from None
    return manim


def render_scene(name: str, output, *, trace=None, preset=None, quality: str = "m", duration=None, fps=None,
                 hold=None, progress: bool = True):
    """Render scene ``name`` into ``output`` (.mp4, .mov, .webm, .gif, or .png for the last frame).

    Parameters
    ----------
    name : str
        A key of :data:`SCENES`.
    output : str or Path
        The file to write; its suffix picks the format.
    trace : str or Path, optional
        Trace file to draw. ``preset`` (a preset name or TOML config) is trained first instead.
        Neither: the scene trains its own default network.
    quality : {"l", "m", "h", "p", "k"}
        480p15, 720p30, 1080p60, 1440p60, 2160p60.
    duration : float, optional
        Seconds of animation (default: the scene's).
    fps : int, optional
        Frame rate (default: the quality's).
    hold : float, optional
        Seconds of the pause on the last picture (default: the scene's own).
    progress : bool
        Show manim's progress bars.

    Returns
    -------
    Path
        ``output``.

    Raises
    ------
    ImportError
        manim is missing; the message says what to install.
    ValueError
        Unknown scene, bad settings, or a trace the scene cannot draw.
    """
    import shutil
    import tempfile
    from pathlib import Path

    out = Path(output)
    if name not in SCENES:
        raise ValueError(f"unknown scene {name!r}; valid scenes: {', '.join(SCENES)}")
    if out.suffix.lower() not in FORMATS:
        raise ValueError(f"cannot write {out}: unsupported output type '{out.suffix or out.name}'; "
                         f"use one of {', '.join(FORMATS)} (.png: the last frame)")
    if quality not in QUALITIES:
        raise ValueError(f"unknown quality {quality!r}; choose one of {', '.join(QUALITIES)}")
    if trace and preset:
        raise ValueError("give a trace or a preset, not both")
    if (trace or preset) and not SCENES[name][2]:
        raise ValueError(f"{name} draws a construction and reads no trace; leave out the trace/preset")
    manim = _import_manim()
    cls = scene_class(name)
    if getattr(cls, "uses_images", False):
        from .common import check_pillow

        try:
            check_pillow()
        except RuntimeError as e:
            raise ImportError(str(e)) from None

    with tempfile.TemporaryDirectory(prefix="nnviz-scene-") as tmp:
        if preset:  # train first, so that a bad preset or an unsuitable network fails before rendering
            from ..sources import trace_for

            trace = Path(tmp) / "preset.h5"
            trace_for(preset, trace, record="auto", progress=progress).close()
        if trace:
            from ..trace import load_trace

            with load_trace(trace) as tr:
                cls.check(tr)
        gif = out.suffix.lower() == ".gif"
        settings = {
            "quality": QUALITIES[quality][0],
            "media_dir": str(Path(tmp) / "media"),
            "disable_caching": True,
            "format": "mp4" if gif else FORMATS[out.suffix.lower()],  # a GIF: made from the MP4 below
            "verbosity": "WARNING" if progress else "ERROR",  # quiet (-q, the gallery): errors only
            "progress_bar": "display" if progress else "none",
        }
        if fps:
            settings["frame_rate"] = int(fps)
        with using(trace=trace, duration=duration, hold=hold), manim.tempconfig(settings):
            scene = cls()
            scene.render()
            plan = scene.output_plan
        produced = plan.primary_artifact
        if produced is None or not Path(produced).exists():
            produced = plan.fallback_image
        if produced is None or not Path(produced).exists():
            raise ValueError(f"manim wrote no {out.suffix} file for {name}")
        if gif:
            video_to_gif(produced, out)
        else:
            shutil.move(str(produced), out)
    return out


#: how many levels (in every channel) H.264 moves a flat colour: closer pixels are that colour
_NEAR = 6


def _near(planes, color, within: int = _NEAR):
    """Where three uint8 channel planes lie within ``within`` levels of ``color`` in every channel."""
    mask = None
    for x, v in zip(planes, color):
        ok = (x >= max(int(v) - within, 0)) & (x <= min(int(v) + within, 255))   # uint8 compares: fast
        mask = ok if mask is None else mask & ok
    return mask


def _planes(rgb):
    import numpy as np

    return [np.ascontiguousarray(rgb[..., i]) for i in range(3)]


def _shown_colors(frames, colors, share: float = 1e-5):
    """The ``(k, 3)`` uint8 colours of ``colors`` ("#RRGGBB") that ``frames`` show: on at least
    ``share`` of their pixels, each channel within :data:`_NEAR` levels (a video's compression)."""
    import numpy as np

    rgb = np.array([[int(c[i:i + 2], 16) for i in (1, 3, 5)] for c in colors], np.uint8).reshape(-1, 3)
    px = np.concatenate([np.asarray(f).reshape(-1, 3)[::5] for f in frames])
    planes = _planes(px)
    keep = [c for c in rgb if np.count_nonzero(_near(planes, c)) >= share * len(px)]
    return np.array(keep, np.uint8).reshape(-1, 3)


def _video_fps(path) -> float:
    """The frame rate of a video file."""
    import imageio_ffmpeg

    gen = imageio_ffmpeg.read_frames(str(path))
    try:
        return float(next(gen)["fps"])
    finally:
        gen.close()


def _video_frames(path):
    """The frames of a video file, (H, W, 3) uint8 each, streamed from ffmpeg."""
    import imageio_ffmpeg
    import numpy as np

    gen = imageio_ffmpeg.read_frames(str(path))
    try:
        w, h = next(gen)["size"]
        for buf in gen:
            yield np.frombuffer(buf, np.uint8).reshape(h, w, 3)
    finally:
        gen.close()  # ends ffmpeg also when the caller stops early


def video_to_gif(video, gif, *, fps: float | None = None, width: int | None = None, colors: int = 128,
                 tolerance: int = 10, palette_samples: int = 10, reserved_colors=None) -> int:
    """Convert a video (e.g. a scene's MP4) into a small looping GIF with nnviz's GIF writer.

    One global palette of ``colors`` colours, built from ``palette_samples`` frames spread over
    the clip. A pixel is rewritten only once it has moved more than ``tolerance`` levels from the
    value last written (or has faded into the background), so the video's anti-aliasing and
    compression shimmer cost nothing and fades still finish. ffmpeg counts the frames, then the
    video is read twice (palette, frames), so memory stays at a few frames at any length and size.

    Parameters
    ----------
    video : str or Path
        Any video ffmpeg reads.
    gif : str or Path
        The ``.gif`` to write.
    fps : float, optional
        Frames per second of the GIF (default and at most: the video's); frames are dropped
        evenly to get there.
    width : int, optional
        Width in pixels (Lanczos resampling, even height); default: the video's size.
    colors : int
        Palette size, 2..255.
    tolerance : int
        0 rewrites every change (larger files).
    palette_samples : int
        Frames the palette is built from.
    reserved_colors : sequence of "#RRGGBB", optional
        Colours kept exactly in the palette, so that a colour that carries meaning (the pink of a
        delta, the orange and blue of a sign) is not merged into a neighbour by a small palette.
        Default: those of the scenes' colours (:data:`nnviz.scenes_lib.palette.SCENE_COLORS`) that
        the palette frames show; ``()``: none.

    Returns
    -------
    int
        Size of the GIF in bytes.
    """
    from pathlib import Path

    import numpy as np
    from PIL import Image

    from ..export.gif import GifWriter

    fps_in = _video_fps(video)
    fps_out = min(float(fps), fps_in) if fps else fps_in

    def frames():
        """The kept frames: frame i of the video is kept if i = round(k fps_in / fps_out)."""
        ratio, k = fps_in / fps_out, 0
        for i, f in enumerate(_video_frames(video)):
            if i >= np.round(k * ratio):
                k += 1
                yield f

    def resized(f):
        if not width:
            return f
        h, w = f.shape[:2]
        size = (int(width), int(round(h * width / w / 2)) * 2)
        return np.asarray(Image.fromarray(f).resize(size, Image.Resampling.LANCZOS))

    import imageio_ffmpeg

    n_in = imageio_ffmpeg.count_frames_and_secs(str(video))[0]  # ffmpeg counts, nothing is piped
    ks = np.arange(int(n_in * fps_out / fps_in) + 2)
    n = int(np.count_nonzero(np.round(ks * (fps_in / fps_out)) < n_in))  # frames() keeps these
    if n == 0:
        raise ValueError(f"{video} holds no frames")
    picks = [int(i) for i in np.linspace(0, n - 1, palette_samples)]
    kept = {i: resized(f) for i, f in enumerate(frames()) if i in picks}
    samples = [kept[i] for i in picks]
    reserved = _shown_colors(samples, SCENE_COLORS if reserved_colors is None else reserved_colors)[: colors // 2]

    def snapped(f):
        """Pixels the video's compression moved a few levels off a reserved colour, back on it: the
        palette is built from these, so that it holds each reserved colour and not its neighbours,
        and every frame's near pixels map to it as their nearest palette colour."""
        f, planes = np.array(f), _planes(f)
        for c in reserved:
            f[_near(planes, c)] = c
        return f

    shown = bg = None
    with GifWriter(gif, fps=fps_out, palette_frames=[snapped(f) for f in samples], colors=colors,
                   reserved_colors=reserved if len(reserved) else None) as wr:
        for f in map(resized, frames()):
            if shown is None:
                shown, bg = f.copy(), f[0, 0].copy()
                lo, hi = (np.clip(bg.astype(int) + d, 0, 255).astype(np.uint8) for d in (-_NEAR, _NEAR))
            else:  # per channel, then combined: 4x faster than reducing over the last axis
                far = np.maximum(f, shown) - np.minimum(f, shown) > tolerance   # |f - shown| in uint8
                moved = far[..., 0] | far[..., 1] | far[..., 2]
                shown[moved] = f[moved]
                # whatever has faded into the background, give or take the video's noise, is cleared
                # to the background itself (its noise would flicker between palette colours)
                near = (f >= lo) & (f <= hi)
                shown[near[..., 0] & near[..., 1] & near[..., 2]] = bg
            wr.write(shown)
    size = Path(gif).stat().st_size
    logger.info("wrote %s: %d frames at %g fps, %.0f kB", gif, n, fps_out, size / 1e3)
    return size

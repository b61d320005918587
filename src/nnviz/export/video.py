"""MP4 (H.264) and WebM (VP9) writers, streamed to imageio-ffmpeg's bundled ffmpeg.

Frames are piped as raw RGB (or RGBA, straight from a renderer's canvas) to the ffmpeg binary that ships with
``imageio-ffmpeg`` (never a system ffmpeg), converted to yuv420p with the
BT.709 matrix and tagged as BT.709 so players show the same colours at any
size. Width and height must be even (yuv420p halves the chroma resolution);
frames are never rescaled.

A thread writes the frames into ffmpeg's pipe, so the renderer goes on drawing
the next frames while ffmpeg takes in the last ones (a pipe write lets go of the
interpreter lock): the renderer and the encoder run side by side, on two cores
where there are two, instead of each waiting for the other.
"""

from __future__ import annotations

import logging
import os
import queue
import re
import subprocess
import tempfile
import threading
from fractions import Fraction
from typing import Any

import numpy as np

from .base import PathLike, Writer, register_writer

__all__ = ["Mp4Writer", "WebmWriter", "probe_video"]

logger = logging.getLogger(__name__)

# RGB -> yuv420p with the BT.709 matrix, limited range, and matching tags. The bundled ffmpeg
# ignores -color_primaries/-color_trc for x264 unless the frames carry them: setparams stamps them
# on the frames, so players (PowerPoint, QuickTime, browsers) see BT.709, not "unknown".
_COLOR_PARAMS = [
    "-vf", "scale=out_color_matrix=bt709:out_range=tv,"
           "setparams=color_primaries=bt709:color_trc=bt709:colorspace=bt709:range=tv",
    "-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709",
]


def _ffmpeg() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


class _FfmpegWriter(Writer):
    """Common part of the ffmpeg writers; subclasses set ``codec`` and ``_codec_params``."""

    codec = ""
    takes_rgba = True
    #: frames that may wait for the pipe (each a copy: 0.9 MB at 640x480, 6 MB at 1920x1080)
    _QUEUE = 8

    def __init__(self, path: PathLike, fps: float = 20, **options: Any) -> None:
        super().__init__(path, fps, **options)
        self._proc: subprocess.Popen | None = None
        self._log = None  # ffmpeg's messages (a temporary file), quoted when it fails
        self._queue: queue.Queue = queue.Queue(maxsize=self._QUEUE)
        self._pump: threading.Thread | None = None
        self._error: BaseException | None = None

    def _codec_params(self) -> list[str]:
        raise NotImplementedError

    def _write(self, frame: np.ndarray, step: int | None) -> None:
        if self._proc is None:
            self._start(frame.shape[1], frame.shape[0], "rgba" if frame.shape[2] == 4 else "rgb24")
        if self._error is not None:
            raise self._failure()
        self._queue.put(frame.tobytes())  # a copy: the caller may reuse its array

    def _start(self, w: int, h: int, pix_fmt: str = "rgb24") -> None:
        if w % 2 or h % 2:
            raise ValueError(
                f"{self.name} needs an even width and height (yuv420p): {w}x{h} is odd; "
                f"use an even size such as {w - w % 2}x{h - h % 2}"
            )
        fps = str(Fraction(self.fps).limit_denominator())  # 24000/1001 stays exact
        cmd = [_ffmpeg(), "-y", "-loglevel", "error", "-f", "rawvideo", "-vcodec", "rawvideo",
               "-s", f"{w}x{h}", "-pix_fmt", pix_fmt, "-r", fps, "-i", "pipe:0", "-an",
               "-vcodec", self.codec, "-pix_fmt", "yuv420p", *_COLOR_PARAMS, *self._codec_params(),
               str(self._tmp)]
        self._log = tempfile.TemporaryFile()
        # a session of its own: Ctrl-C reaches nnviz, which stops ffmpeg and removes the partial file
        self._proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self._log,
                                      bufsize=0, start_new_session=True)
        self._pump = threading.Thread(target=self._feed, name=f"{self.name}-pipe", daemon=True)
        self._pump.start()

    def _feed(self) -> None:
        """The pipe thread: frames from the queue into ffmpeg, until None."""
        assert self._proc is not None and self._proc.stdin is not None
        while True:
            data = self._queue.get()
            if data is None:
                return
            if self._error is None:
                try:
                    self._proc.stdin.write(data)
                except BaseException as e:  # ffmpeg has gone: reported to the writing thread
                    self._error = e

    def _stop_pump(self) -> None:
        if self._pump is not None:
            self._queue.put(None)
            self._pump.join()
            self._pump = None

    def _failure(self) -> OSError:
        msg = ""
        if self._log is not None:
            self._log.seek(0)
            lines = [ln for ln in self._log.read().decode("utf-8", "replace").splitlines() if ln.strip()]
            msg = re.sub(r"^(\[[^]]*\]\s*)+", "", lines[0]).strip() if lines else ""  # the first is the cause
        return OSError(f"ffmpeg could not write {self.path}" + (f": {msg}" if msg else
                                                                  f" ({self._error or 'it exited'})"))

    def _finish(self) -> None:
        if self._proc is not None:
            self._stop_pump()
            self._proc.stdin.close()
            code = self._proc.wait()  # ffmpeg encodes what is left and writes the file
            if code != 0 or self._error is not None:
                raise self._failure()
        assert self._tmp is not None
        if self._tmp.stat().st_size == 0:
            raise OSError(f"ffmpeg wrote nothing for {self.path}")

    def _discard(self) -> None:
        if self._proc is not None:
            self._proc.kill()  # a blocked pipe write fails now, and the pipe thread ends
            self._stop_pump()
            try:
                self._proc.stdin.close()
            except OSError:
                pass
            self._proc.wait()
            self._proc = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def _release(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None
        super()._release()


@register_writer("mp4", (".mp4",))
class Mp4Writer(_FfmpegWriter):
    """H.264 MP4 writer (libx264, yuv420p, ``+faststart``).

    Parameters
    ----------
    path : str or os.PathLike
        Output ``.mp4`` file.
    fps : float, default 20
        Frames per second.
    crf : int, default 18
        x264 constant rate factor (0 = lossless, 18 = visually lossless,
        23 = x264 default, 51 = worst).
    preset : str, default "veryfast"
        x264 speed/size trade-off: ultrafast ... medium ... veryslow. At CRF 18 the quality
        is set by the CRF; on our flat-coloured plots "veryfast" encoded twice as fast as
        "medium" and gave a slightly smaller file (benchmarks/bench_writers.py).
    """

    description = "H.264 video (libx264, yuv420p)"
    codec = "libx264"

    def __init__(
        self, path: PathLike, fps: float = 20, *, crf: int = 18, preset: str = "veryfast"
    ) -> None:
        if not 0 <= int(crf) <= 51:
            raise ValueError(f"crf must be in 0..51, got {crf}")
        self.crf = int(crf)
        self.preset = str(preset)
        super().__init__(path, fps)

    def _codec_params(self) -> list[str]:
        # x264 threads: all cores but the one the renderer runs on (on 2 cores, 7 % faster
        # end to end than x264's default of 1.5 threads a core, at 640x480 to 1920x1080)
        threads = max(1, (os.cpu_count() or 2) - 1)
        # a keyframe at least every 2 s, so that scrubbing in a slide deck lands where it is asked
        gop = max(1, int(round(2 * self.fps)))
        return ["-crf", str(self.crf), "-preset", self.preset, "-profile:v", "high", "-g", str(gop),
                "-threads", str(threads), "-movflags", "+faststart"]


@register_writer("webm", (".webm",))
class WebmWriter(_FfmpegWriter):
    """VP9 WebM writer (libvpx-vp9, yuv420p, constant quality).

    Parameters
    ----------
    path : str or os.PathLike
        Output ``.webm`` file.
    fps : float, default 20
        Frames per second.
    crf : int, default 32
        VP9 constant quality, 0..63 (lower is better), used with ``-b:v 0``.
    cpu_used : int, default 4
        libvpx speed with ``-deadline good``: 0 (slow, small) .. 5 (fast).
    """

    description = "VP9 video (libvpx-vp9, yuv420p)"
    codec = "libvpx-vp9"

    def __init__(
        self, path: PathLike, fps: float = 20, *, crf: int = 32, cpu_used: int = 4
    ) -> None:
        if not 0 <= int(crf) <= 63:
            raise ValueError(f"crf must be in 0..63, got {crf}")
        self.crf = int(crf)
        self.cpu_used = int(cpu_used)
        super().__init__(path, fps)

    def _codec_params(self) -> list[str]:
        return [
            "-crf", str(self.crf), "-b:v", "0",
            "-deadline", "good", "-cpu-used", str(self.cpu_used), "-row-mt", "1",
        ]


_VIDEO_RE = re.compile(r"Stream #\S+.*?: Video: (\w+)[^,]*, (\w+)")
_SIZE_RE = re.compile(r", (\d{2,5})x(\d{2,5})")
_FPS_RE = re.compile(r", ([\d.]+) fps")


def probe_video(path: PathLike) -> dict[str, Any]:
    """Describe the first video stream of a file using the bundled ffmpeg.

    Parameters
    ----------
    path : str or os.PathLike
        Video file.

    Returns
    -------
    dict
        ``codec`` (e.g. ``"h264"``, ``"vp9"``), ``pix_fmt`` (e.g.
        ``"yuv420p"``), ``width``, ``height``, ``n_frames`` (counted by
        decoding), ``fps`` (float, as stated by the container), ``color`` (range and colour
        tags as ffmpeg prints them, e.g. ``"tv, bt709, progressive"``: one ``bt709`` means
        matrix, primaries and transfer all are) and ``keyframe_times`` (seconds).

    Raises
    ------
    ValueError
        If ffmpeg finds no video stream.
    """
    import imageio_ffmpeg

    exe = imageio_ffmpeg.get_ffmpeg_exe()
    res = subprocess.run(
        [exe, "-hide_banner", "-i", str(path)], capture_output=True, text=True, errors="replace"
    )
    line = next((ln for ln in res.stderr.splitlines() if "Video:" in ln), None)
    m = _VIDEO_RE.search(line or "")
    if line is None or m is None:
        raise ValueError(f"no video stream found in {path}: {res.stderr.strip()[-300:]}")
    size = _SIZE_RE.search(line)
    fps = _FPS_RE.search(line)
    n_frames, _secs = imageio_ffmpeg.count_frames_and_secs(str(path))
    keys = subprocess.run([exe, "-hide_banner", "-skip_frame", "nokey", "-i", str(path), "-vf", "showinfo",
                           "-f", "null", "-"], capture_output=True, text=True, errors="replace").stderr
    key_times = [float(t) for t in re.findall(r"pts_time:\s*([0-9.]+)", keys)]
    return {
        "color": line[m.end():].split(")")[0].lstrip("(") if "(" in line[m.end():m.end() + 2] else "",
        "keyframe_times": key_times,
        "codec": m.group(1),
        "pix_fmt": m.group(2),
        "width": int(size.group(1)) if size else None,
        "height": int(size.group(2)) if size else None,
        "n_frames": int(n_frames),
        "fps": float(fps.group(1)) if fps else None,
    }

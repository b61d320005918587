"""Streaming animated-GIF writer with one global palette.

Format choices (for small files in slide decks):

* One global palette (up to 255 colours; index 255 is the transparent
  index) for the whole movie, built once from sample frames: the caller's
  ``palette_frames=``, or else the first ``sample_frames`` frames, which are
  buffered until then (every later frame is streamed straight to disk). If the
  samples hold few enough distinct colours they are kept exactly; otherwise
  frequent flat colours (background, axes, markers) are kept exactly and median
  cut reduces the rest. Free slots (and, for automatic sampling, 27 reserved
  ones) hold an RGB cube so colours that only appear later still map to
  something close; pass ``palette_frames`` (e.g. first, middle and last frame)
  when the colours change over the movie. Every frame is mapped to its exact nearest palette colour
  (cached lookup table), without dithering: cleaner and smaller for flat plots.
* Each frame after the first stores only the bounding box of the pixels whose
  palette index changed, drawn over the previous frame (disposal 1, "do not
  dispose"); inside the box, unchanged pixels are written as the transparent
  index. Lossless by default; for smaller files, ``colors`` (fewer palette
  entries, bands gradients) and ``tolerance`` (skip pixels whose colour barely
  moved, leaves stale contours) trade quality for size.
* Loops forever (NETSCAPE loop 0). GIF delays are whole centiseconds: frame
  ``i`` lasts ``round(100*(i+1)/fps) - round(100*i/fps)`` cs, so the total
  running time stays exact (at 30 fps: 30, 40, 30, 30, 40, ... ms). Browsers
  slow delays below 2 cs down to 10 cs, so above 50 fps every frame gets
  20 ms and the GIF plays at 50 fps.
"""

from __future__ import annotations

import logging
import math
import queue
import struct
import threading
from pathlib import Path
from typing import Any, BinaryIO, Sequence

import numpy as np
from PIL import Image

from .base import PathLike, Writer, register_writer
from ..forked import ForkedWorker, can_fork

__all__ = ["GifWriter", "read_gif_info", "build_palette", "PaletteMapper", "gif_delay_cs"]

logger = logging.getLogger(__name__)

#: Keep palette sampling cheap: at most this many pixels go into median cut.
_MAX_PALETTE_PIXELS = 4_000_000
#: Colours covering at least this share of the sample pixels are kept exactly.
_KEY_COLOR_SHARE = 0.0005
#: Palette index used for "unchanged" pixels (palettes hold at most 255 colours).
_TRANSPARENT = 255


def gif_delay_cs(i: int, fps: float) -> int:
    """Delay of frame ``i`` in centiseconds at ``fps`` (at least 2).

    Parameters
    ----------
    i : int
        Frame index (0-based).
    fps : float
        Frames per second.

    Returns
    -------
    int
        Centiseconds; rounding errors are carried to later frames so the
        total duration matches ``n / fps`` (to within 1 cs).
    """
    if fps >= 50:
        return 2
    return math.floor(100 * (i + 1) / fps + 0.5) - math.floor(100 * i / fps + 0.5)


def build_palette(
    frames: Sequence[np.ndarray], colors: int = 255, reserve_cube: bool = False,
    reserved: np.ndarray | None = None,
) -> np.ndarray:
    """Build one palette for a set of RGB sample frames.

    Parameters
    ----------
    frames : sequence of numpy.ndarray
        ``(H, W, 3)`` uint8 frames (sizes may differ).
    colors : int, default 255
        Maximum palette size, 2..256 (more than 27 with ``reserve_cube``).
    reserve_cube : bool, default False
        Always keep the 27 colours of a 3x3x3 RGB cube, so that colours that
        are missing from the samples still map to something close.

    Returns
    -------
    numpy.ndarray
        ``(n, 3)`` uint8 palette, ``n <= colors``. If the samples hold few
        enough distinct colours they are kept exactly (most frequent first).
        Otherwise frequent colours (at least 0.05 % of the pixels, up to a
        quarter of the palette: backgrounds, axes, markers) are kept exactly
        and median cut reduces the rest. Free slots are filled with an RGB
        cube (up to 6 levels per channel).
    reserved : numpy.ndarray, optional
        ``(k, 3)`` uint8 colours that carry meaning (class, sign and status colours, text): they
        come first and exactly, whatever the samples hold, and median cut shares the rest of the
        palette (at most half of it is reserved; the first colours win).
    """
    cube3 = _cube(3) if reserve_cube else np.zeros((0, 3), np.uint8)
    keep = _append_new(np.zeros((0, 3), np.uint8), np.asarray(reserved, np.uint8).reshape(-1, 3)[: colors // 2]) \
        if reserved is not None else np.zeros((0, 3), np.uint8)
    budget = colors - len(cube3) - len(keep)
    total = sum(f.shape[0] * f.shape[1] for f in frames)
    stride = max(1, math.ceil(math.sqrt(total / _MAX_PALETTE_PIXELS)))
    pixels = np.concatenate([f[::stride, ::stride].reshape(-1, 3) for f in frames])
    p32 = pixels.astype(np.uint32)
    codes = (p32[:, 0] << 16) | (p32[:, 1] << 8) | p32[:, 2]
    if len(keep):  # the reserved colours need no slot of their own among the samples'
        k32 = keep.astype(np.uint32)
        held = np.isin(codes, (k32[:, 0] << 16) | (k32[:, 1] << 8) | k32[:, 2])
        pixels, codes = pixels[~held], codes[~held]
        if not len(codes):
            pixels, codes = keep[:1], (k32[:1, 0] << 16) | (k32[:1, 1] << 8) | k32[:1, 2]
    uniq, counts = np.unique(codes, return_counts=True)
    order = np.argsort(-counts, kind="stable")
    if len(uniq) <= budget:
        pal = _unpack(uniq[order])
    else:
        # flat colours (background, axes, markers) stay exact; median cut for the rest
        top = order[: budget // 4]
        key = uniq[top][counts[top] >= max(2, _KEY_COLOR_SHARE * len(codes))]
        rest = pixels[~np.isin(codes, key)].reshape(-1, 1, 3)
        q = Image.fromarray(rest).quantize(
            colors=budget - len(key), method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        )
        cut = np.array(q.getpalette(), dtype=np.uint8).reshape(-1, 3)[: budget - len(key)]
        pal = _append_new(_unpack(key), cut)
    pal = _append_new(keep, pal)[:colors - len(cube3)]
    pal = _append_new(pal, cube3)
    free = colors - len(pal)
    levels = min(6, int(round(free ** (1 / 3))) + 1)
    while levels >= 2:
        fill = _append_new(pal, _cube(levels))
        if len(fill) <= colors:
            return fill
        levels -= 1
    return pal


class PaletteMapper:
    """Exact nearest-colour mapping of RGB frames to a fixed palette.

    Keeps a lazily filled lookup table over all 2**24 colours (16 MB), so
    each colour's nearest palette entry (Euclidean RGB) is computed once.
    The table holds ``255 - index``, so that "not yet known" is 0 and the
    table starts as zeroed memory the system hands out page by page as
    colours are met (a filled 16 MB table costs about 25 ms of page faults
    up front).

    Parameters
    ----------
    palette : numpy.ndarray
        ``(n, 3)`` uint8 palette, ``n <= 255`` (index 255 marks "not yet known").
    """

    _UNKNOWN = 255

    def __init__(self, palette: np.ndarray) -> None:
        if not 1 <= len(palette) <= 255:
            raise ValueError("palette must have 1..255 colours")
        self.palette = np.asarray(palette, np.uint8)
        self._pal = self.palette.astype(np.int32)
        self._lut = np.zeros(1 << 24, np.uint8)  # 255 - index; 0: not yet known

    def __call__(self, frame: np.ndarray) -> np.ndarray:
        """Return the ``(H, W)`` uint8 palette indices of an RGB frame."""
        codes = frame[..., 0].astype(np.uint32)  # 0xRRGGBB, built in place (2x faster)
        codes <<= 8
        codes |= frame[..., 1]
        codes <<= 8
        codes |= frame[..., 2]
        idx = np.take(self._lut, codes)  # take: 2x faster than fancy indexing here
        missing = idx == 0
        if missing.any():
            new = np.unique(codes[missing])
            rgb = np.stack([new >> 16, (new >> 8) & 255, new & 255], -1).astype(np.int32)
            for i in range(0, len(new), 4096):
                d = ((rgb[i : i + 4096, None, :] - self._pal[None]) ** 2).sum(-1)
                self._lut[new[i : i + 4096]] = 255 - d.argmin(1)
            idx = np.take(self._lut, codes)
        return np.subtract(np.uint8(255), idx, out=idx)


def _unpack(codes: np.ndarray) -> np.ndarray:
    return np.stack([codes >> 16, (codes >> 8) & 255, codes & 255], -1).astype(np.uint8).reshape(-1, 3)


def _cube(levels: int) -> np.ndarray:
    v = np.linspace(0, 255, levels).round().astype(np.uint8)
    return np.stack(np.meshgrid(v, v, v, indexing="ij"), -1).reshape(-1, 3)


def _append_new(pal: np.ndarray, extra: np.ndarray) -> np.ndarray:
    have = {tuple(c) for c in pal.tolist()}
    new = [c for c in extra.tolist() if tuple(c) not in have]
    return np.concatenate([pal, np.array(new, np.uint8).reshape(-1, 3)])


@register_writer("gif", (".gif",))
class GifWriter(Writer):
    """Animated GIF writer (streaming, one global palette, looping forever).

    Parameters
    ----------
    path : str or os.PathLike
        Output ``.gif`` file.
    fps : float, default 20
        Frames per second (see module docs for the centisecond rounding).
    palette_frames : sequence of numpy.ndarray, optional
        Representative frames (e.g. first, middle and last) to build the
        palette from; recommended when the movie's colours change a lot
        (a heat map that starts grey and ends saturated). Without them the
        first ``sample_frames`` frames are buffered and used, and a coarse
        RGB cube is kept in the palette for colours that appear later.
    sample_frames : int, default 16
        How many leading frames to buffer for the palette when
        ``palette_frames`` is not given (memory: ``sample_frames`` frames).
    transparency : bool, default True
        Inside each frame's changed box, write unchanged pixels as a
        transparent index (smaller files).
    tolerance : int, default 0
        Lossy size reduction: a pixel is only redrawn when its palette colour
        differs from the one on screen by more than ``tolerance`` (max over
        R, G, B; 0 = lossless). 8 roughly halves a drifting heat map but
        leaves faint stale contours in smooth gradients.
    colors : int, default 255
        Palette size, 2..255. Fewer colours band smooth gradients but give
        smaller files.
    reserved_colors : numpy.ndarray, optional
        ``(k, 3)`` uint8 colours kept exactly in the palette (see :func:`build_palette`): the
        colours that carry meaning, so a GIF frame shows them as the PNG still does.
    """

    description = "animated GIF, loops, one global palette"

    def __init__(
        self,
        path: PathLike,
        fps: float = 20,
        *,
        palette_frames: Sequence[np.ndarray] | None = None,
        sample_frames: int = 16,
        transparency: bool = True,
        tolerance: int = 0,
        colors: int = 255,
        reserved_colors: np.ndarray | None = None,
    ) -> None:
        if int(sample_frames) < 1:
            raise ValueError(f"sample_frames must be >= 1, got {sample_frames}")
        if not 2 <= int(colors) <= 255:
            raise ValueError(f"colors must be in 2..255, got {colors}")
        if not 0 <= int(tolerance) <= 255:
            raise ValueError(f"tolerance must be in 0..255, got {tolerance}")
        samples = None
        if palette_frames is not None:
            samples = [np.asarray(f) for f in palette_frames]
            if not samples or any(
                f.dtype != np.uint8 or f.ndim != 3 or f.shape[2] != 3 for f in samples
            ):
                raise ValueError("palette_frames must be a non-empty list of uint8 (H, W, 3) arrays")
        super().__init__(path, fps)
        self.sample_frames = int(sample_frames)
        self.transparency = bool(transparency)
        self.tolerance = int(tolerance)
        self.colors = int(colors)
        self.reserved = None if reserved_colors is None else np.asarray(reserved_colors, np.uint8).reshape(-1, 3)
        self._fh: BinaryIO | None = open(self._tmp, "wb")  # type: ignore[arg-type]
        self._buffer: list[np.ndarray] = []
        self._mapper: PaletteMapper | None = None
        self._same: np.ndarray | None = None  # (256, 256) "close enough" table
        self._canvas: np.ndarray | None = None  # palette indices on screen
        self._rgb: np.ndarray | None = None  # the last frame encoded
        self._n_encoded = 0
        self._worker: threading.Thread | None = None
        self._forked: ForkedWorker | None = None
        self._error: BaseException | None = None
        if self.fps > 50:
            logger.warning("GIF delays are at least 20 ms: %g fps will play at 50 fps", self.fps)
        if samples is not None:
            self._set_palette(samples, reserve_cube=False)

    # -- Writer hooks ------------------------------------------------------
    def _write(self, frame: np.ndarray, step: int | None) -> None:
        if self._mapper is None:
            self._buffer.append(frame.copy())  # the caller may reuse its array
            if len(self._buffer) >= self.sample_frames:
                self._flush_buffer()
        else:
            self._submit(frame)

    def _finish(self) -> None:
        self._flush_buffer()
        forked = self._forked is not None
        self._stop_worker()
        assert self._fh is not None
        if not forked:  # (the encoder process has written the trailer and closed its file)
            self._fh.write(b";")  # trailer
        self._fh.close()
        self._fh = None

    def _discard(self) -> None:
        self._buffer.clear()
        self._stop_worker(raise_error=False)
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    # -- internals ---------------------------------------------------------
    # Frames are mapped to the palette and LZW-coded in a forked encoder process
    # (nnviz.forked: on Linux the encoding then runs on the second core beside the
    # rendering), or else on a worker thread (which overlaps little: the renderer holds the
    # interpreter lock). At most _QUEUE frames wait in memory.
    _QUEUE = 8

    def _submit(self, frame: np.ndarray) -> None:
        if self._forked is None and self._worker is None:
            if can_fork():
                self._forked = ForkedWorker(frame.shape, self._encode, self._child_finish, slots=self._QUEUE)
            else:
                self._queue: queue.Queue = queue.Queue(maxsize=self._QUEUE)
                self._worker = threading.Thread(target=self._work, name="gif-encoder", daemon=True)
                self._worker.start()
        if self._forked is not None:
            self._forked.submit(frame)
            return
        if self._error is not None:
            raise self._error
        self._queue.put(frame.copy())  # the caller may reuse its array

    def _child_finish(self, why: str) -> None:
        """In the encoder process: the trailer, and the file closed (the temporary file of a
        writer that did not finish is the parent's to discard)."""
        assert self._fh is not None
        self._fh.write(b";")
        self._fh.close()

    def _work(self) -> None:
        while True:
            frame = self._queue.get()
            if frame is None:
                return
            if self._error is None:
                try:
                    self._encode(frame)
                except BaseException as e:  # reported to the writing thread
                    self._error = e

    def _stop_worker(self, raise_error: bool = True) -> None:
        if self._forked is not None:
            forked, self._forked = self._forked, None
            if raise_error:
                forked.close()
            else:
                forked.kill()
        if self._worker is not None:
            self._queue.put(None)
            self._worker.join()
            self._worker = None
        if raise_error and self._error is not None:
            raise self._error

    def _flush_buffer(self) -> None:
        if self._mapper is None and self._buffer:
            self._set_palette(self._buffer, reserve_cube=True)
        for f in self._buffer:
            self._submit(f)
        self._buffer.clear()

    def _set_palette(self, samples: Sequence[np.ndarray], reserve_cube: bool) -> None:
        # at most 255 colours: index 255 is the transparent index / LUT marker
        pal = build_palette(samples, self.colors, reserve_cube=reserve_cube and self.colors >= 128,
                            reserved=self.reserved)
        self._mapper = PaletteMapper(pal)
        if self.tolerance:
            p = np.zeros((256, 3), np.int16)
            p[: len(pal)] = pal
            self._same = np.abs(p[:, None, :] - p[None, :, :]).max(-1) <= self.tolerance
        logger.debug("GIF palette: %d colours from %d sample frames", len(pal), len(samples))

    def _write_header(self, w: int, h: int) -> None:
        assert self._mapper is not None and self._fh is not None
        pal = self._mapper.palette.tobytes()
        self._fh.write(_gif_header(w, h, pal + b"\0" * (768 - len(pal))))  # 256 entries, 255 = transparent

    def _encode(self, frame: np.ndarray) -> None:
        assert self._fh is not None and self._mapper is not None
        # disposal 1: leave this frame in place; the next one draws over it
        params: dict[str, Any] = {"delay_cs": gif_delay_cs(self._n_encoded, self.fps), "disposal": 1,
                                  "transparency": None}
        x0 = y0 = 0
        if self._canvas is None:
            self._write_header(frame.shape[1], frame.shape[0])
            sub = self._canvas = self._mapper(frame)
        else:
            # only the box of pixels whose RGB changed is mapped to the palette (a pixel whose
            # colour is unchanged keeps its index): the changed box of indices lies inside it
            box = _changed_box(frame, self._rgb)
            prev = self._canvas[box] if box is not None else None
            cur = self._mapper(frame[box]) if box is not None else None
            diff = None if box is None else (cur != prev) if self._same is None else ~self._same[cur, prev]
            inner = None if diff is None else _bounding_box(diff)
            if inner is None:  # nothing changed: a 1x1 transparent no-op keeps the timing
                sub = np.full((1, 1), _TRANSPARENT, np.uint8)
                params["transparency"] = _TRANSPARENT
            else:
                if self._same is not None:
                    cur = np.where(diff, cur, prev)  # within tolerance: keep what is shown
                self._canvas[box] = cur
                y0, x0 = box[0].start + inner[0].start, box[1].start + inner[1].start
                if self.transparency:
                    sub = np.where(diff[inner], cur[inner], np.uint8(_TRANSPARENT))
                    params["transparency"] = _TRANSPARENT
                else:
                    sub = cur[inner]
        self._rgb = frame
        self._fh.write(_lzw_frame(sub, (x0, y0), params))
        self._n_encoded += 1


def _bounding_box(mask: np.ndarray) -> tuple[slice, slice] | None:
    """The smallest (rows, columns) box holding every True of a 2-D mask, or None."""
    rows = np.flatnonzero(mask.any(axis=1))
    if rows.size == 0:
        return None
    y0, y1 = int(rows[0]), int(rows[-1]) + 1
    cols = np.flatnonzero(mask[y0:y1].any(axis=0))
    return slice(y0, y1), slice(int(cols[0]), int(cols[-1]) + 1)


def _changed_box(frame: np.ndarray, prev: np.ndarray) -> tuple[slice, slice] | None:
    """The box of pixels whose RGB differs between two (H, W, 3) frames, or None."""
    h, w = frame.shape[:2]
    box = _bounding_box(frame.reshape(h, 3 * w) != prev.reshape(h, 3 * w))  # bytes: one pass
    if box is None:
        return None
    rows, cols = box
    return rows, slice(cols.start // 3, (cols.stop + 2) // 3)


def _gif_header(w: int, h: int, palette: bytes) -> bytes:
    """GIF89a header: screen descriptor with a 256-entry global colour table, looping forever."""
    screen = b"GIF89a" + struct.pack("<2H", w, h) + bytes([0x87, 0, 0])  # global table of 2**(7+1)
    loop = b"!\xff\x0bNETSCAPE2.0\x03\x01" + struct.pack("<H", 0) + b"\x00"  # loop 0 = forever
    return screen + palette + loop


def _lzw_frame(sub: np.ndarray, offset: tuple[int, int], params: dict[str, Any]) -> bytes:
    """One GIF frame of palette indices: graphic control block, image descriptor, LZW data.

    The LZW sub-blocks come from Pillow's GIF encoder through its public ``Image.tobytes("gif")``;
    the bytes are identical to what Pillow's (private) ``GifImagePlugin.getdata`` writes.
    """
    h, w = sub.shape
    tr = params.get("transparency")
    packed = (1 if tr is not None else 0) | (int(params.get("disposal", 0)) << 2)
    control = b"!\xf9\x04" + bytes([packed]) + struct.pack("<H", int(params["delay_cs"])) + bytes([tr or 0, 0])
    descriptor = b"," + struct.pack("<4H", offset[0], offset[1], w, h) + b"\x00"  # no local colour table
    data = Image.frombytes("L", (w, h), np.ascontiguousarray(sub).tobytes()).tobytes("gif", "L")
    return control + descriptor + b"\x08" + data + b"\x00"  # 8-bit codes; a 0 block ends the data


def _gif_local_palettes(data: bytes) -> tuple[bool, int]:
    """Walk the GIF blocks; return (has global palette, number of local palettes)."""
    if data[:3] != b"GIF" or len(data) < 13:
        raise ValueError("not a GIF file")
    flags = data[10]
    has_global = bool(flags & 0x80)
    pos = 13 + (3 * (2 << (flags & 7)) if has_global else 0)
    local = 0

    def skip_subblocks(p: int) -> int:
        while p < len(data) and data[p]:
            p += data[p] + 1
        return p + 1

    while pos < len(data):
        b = data[pos]
        if b == 0x3B:  # trailer
            break
        if b == 0x21:  # extension: label, sub-blocks
            pos = skip_subblocks(pos + 2)
        elif b == 0x2C:  # image descriptor
            f = data[pos + 9]
            pos += 10
            if f & 0x80:
                local += 1
                pos += 3 * (2 << (f & 7))
            pos = skip_subblocks(pos + 1)  # LZW min code size, then data
        else:
            raise ValueError(f"corrupt GIF: unexpected byte 0x{b:02x} at {pos}")
    return has_global, local


def read_gif_info(path: PathLike) -> dict[str, Any]:
    """Describe an animated GIF.

    Parameters
    ----------
    path : str or os.PathLike
        GIF file.

    Returns
    -------
    dict
        ``n_frames`` (int), ``size`` ((width, height)), ``loop`` (int, 0 =
        forever, or None if the file has no NETSCAPE loop block),
        ``durations_ms`` (list of int, per frame) and ``global_palette_only``
        (True if there is a global colour table and no frame has a local one).
    """
    path = Path(path)
    with Image.open(path) as im:
        if im.format != "GIF":
            raise ValueError(f"{path} is not a GIF (Pillow reads it as {im.format})")
        n = getattr(im, "n_frames", 1)
        size = im.size
        loop = im.info.get("loop")
        durations = []
        for i in range(n):
            im.seek(i)
            durations.append(int(im.info.get("duration", 0)))
    has_global, local = _gif_local_palettes(path.read_bytes())
    return {
        "n_frames": n,
        "size": size,
        "loop": loop,
        "durations_ms": durations,
        "global_palette_only": has_global and local == 0,
    }

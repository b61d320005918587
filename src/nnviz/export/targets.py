"""What an output path means, decided once: the output classifier.

Every command, the gallery, the notebook helpers and the render pipeline ask :func:`classify`;
nothing else looks at an output's suffix. A path is one of

* ``"movie"``  -- a registered writer that plays frames in time (``.gif``, ``.mp4``, ``.webm``);
* ``"player"`` -- the self-contained HTML player (``.html``, ``.htm``);
* ``"frames"`` -- one PNG per frame: a folder (existing, or a path ending in ``/``) or a file name
  with a ``{step}`` field (``moons-{step:03d}.png``);
* ``"still"``  -- one picture of one frame (``.png`` raster; ``.svg``, ``.pdf`` vector).

A new writer (APNG, WebP, ...) registers its suffix and its ``kind`` with
:func:`nnviz.export.register_writer` and is classified here without touching any caller.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any

from .base import WRITERS, FormatError, PathLike, Writer, check_fps, is_frames_target, supported_formats

logger = logging.getLogger(__name__)

__all__ = ["Target", "classify", "open_writer", "STILL_SUFFIXES", "supported_outputs"]

#: Suffixes of single stills, drawn by the layout itself (vector output stays vector).
STILL_SUFFIXES = (".png", ".svg", ".pdf")


@dataclass(frozen=True)
class Target:
    """An output path and what it means.

    Attributes
    ----------
    path : str
        The path as given (a trailing ``/``, meaning a folder of frames, is kept).
    kind : {"movie", "player", "frames", "still"}
    suffix : str
        Lower-case suffix with the dot (``".png"`` for frames).
    writer : str or None
        Name of the writer in :data:`nnviz.export.WRITERS`; None for stills.
    """

    path: str
    kind: str
    suffix: str
    writer: str | None

    @property
    def is_still(self) -> bool:
        return self.kind == "still"

    @property
    def is_frames(self) -> bool:
        return self.kind == "frames"

    @property
    def is_player(self) -> bool:
        return self.kind == "player"

    @property
    def vector(self) -> bool:
        """A vector still (SVG, PDF)."""
        return self.kind == "still" and self.suffix in (".svg", ".pdf")


def classify(path: PathLike) -> Target:
    """What ``path`` means as an output.

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    Target

    Raises
    ------
    FormatError
        If the path names no supported output; the message lists the supported ones.
    """
    s = os.fspath(path)
    if is_frames_target(s):
        return Target(s, "frames", ".png", "png-frames")
    suffix = os.path.splitext(s)[1].lower()
    if suffix in STILL_SUFFIXES:
        return Target(s, "still", suffix, None)
    cls = next((c for c in WRITERS.values() if suffix and suffix in c.suffixes), None)
    if cls is None:
        what = f"suffix {suffix!r}" if suffix else "no suffix"
        raise FormatError(f"cannot tell the output format of {s!r} ({what}); supported: "
                          + "; ".join(supported_outputs()))
    return Target(s, cls.kind, suffix, cls.name)


def supported_outputs() -> list[str]:
    """The registered writers and the still suffixes, one line each (for error messages)."""
    writers = [f for f in supported_formats() if not f.startswith("png (")]
    return writers + ["still (.png, .svg, .pdf): one picture of one frame"]


def open_writer(path: PathLike, fps: float = 20, **options: Any) -> Writer:
    """Open the writer that matches ``path``.

    ``.gif`` -> GIF, ``.mp4`` -> H.264 MP4, ``.webm`` -> VP9 WebM, a folder
    (existing, or a path ending in ``/``) or a name with a ``{step}`` field
    (``moons-{step:03d}.png``) -> one PNG per frame, a plain ``.png`` -> a
    single still image. Other writers (e.g. HTML) add suffixes via
    :func:`register_writer`.

    Parameters
    ----------
    path : str or os.PathLike
        Output path; its suffix chooses the format (case-insensitive).
    fps : float, default 20
        Frames per second, > 0.
    **options
        Passed to the writer class (e.g. ``crf=18`` for MP4,
        ``palette_frames=[...]`` for GIF).

    Returns
    -------
    Writer
        An open writer; use it as a context manager.

    Raises
    ------
    FormatError
        If the path does not name a supported format.
    OutputPathError
        If the output cannot be written (checked now, before any frame).
    ValueError
        If ``fps`` is not > 0.
    """
    check_fps(fps)
    s = os.fspath(path)
    target = classify(s)  # FormatError for an unknown suffix
    cls = WRITERS.get(target.writer or ("png" if target.suffix == ".png" else ""))
    if cls is None:
        raise FormatError(f"{s!r} is a vector still: draw it with Layout.savefig, not a frame writer; "
                          "supported: " + "; ".join(supported_formats()))
    logger.debug("open_writer(%r) -> %s", s, cls.__name__)
    return cls(s, fps=fps, **options)

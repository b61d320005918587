"""PNG writers: one PNG per frame (folder or ``{step}`` pattern) or a single still."""

from __future__ import annotations

import logging
import os
import re
import secrets
from pathlib import Path

import numpy as np
from PIL import Image

from .base import FormatError, OutputPathError, PathLike, Writer, _remove, register_writer

__all__ = ["PngFramesWriter", "PngWriter"]

logger = logging.getLogger(__name__)

_FRAME_NAME = "frame_{:05d}.png"


def _save_png(frame: np.ndarray, path: Path, compress_level: int) -> None:
    Image.fromarray(frame).save(path, format="PNG", compress_level=compress_level)


@register_writer("png-frames", ())
class PngFramesWriter(Writer):
    """One PNG file per frame.

    ``path`` is either a folder (existing, or ending in ``/``; files are
    ``frame_00000.png``, ``frame_00001.png``, ... in write order) or a file
    name pattern with a ``{step}`` field such as ``moons-{step:03d}.png``
    (file names come from ``pattern.format(step=step)``, so ``step`` must be
    given to :meth:`write`). Frames are staged in a hidden folder and moved
    into place on :meth:`close`; existing files of the same names are
    replaced, other files are left alone.

    Parameters
    ----------
    path : str or os.PathLike
        Folder or ``{step}`` pattern ending in ``.png``.
    fps : float, default 20
        Ignored apart from validation (PNG files have no timing).
    compress_level : int, default 1
        zlib level 0..9 (1 is fast and only slightly larger).
    """

    description = "one PNG per frame"
    kind = "frames"
    path_hint = "a folder such as out/, or a pattern such as name-{step:05d}.png"
    single_file = False

    def __init__(self, path: PathLike, fps: float = 20, *, compress_level: int = 1) -> None:
        raw = os.fspath(path)
        super().__init__(raw, fps)
        self.compress_level = int(compress_level)
        name = os.path.basename(raw)
        if "{step" in name:
            self.pattern: str | None = name
            self.folder = Path(os.path.dirname(raw) or ".")
            if "{" in os.path.dirname(raw):
                raise FormatError(f"the {{step}} field must be in the file name, not the folder: {raw!r}")
            from ..safefile import check_step_pattern

            try:
                check_step_pattern(name)
            except ValueError as e:
                raise FormatError(str(e)) from None
            example = name.format(step=0)
            if not example.lower().endswith(".png"):
                raise FormatError(f"frame name pattern {name!r} must end in .png")
        else:
            self.pattern = None
            self.folder = Path(raw)
            if self.folder.exists() and not self.folder.is_dir():
                raise OutputPathError(
                    f"output path {raw} is a file, not a folder; give a folder (out/) "
                    "or a pattern like name-{step:05d}.png"
                )
        self._names: dict[str, int | None] = {}  # file name -> step
        try:
            self._make_dirs(self.folder)
            self._lock = _claim_frames(self.folder)
            self._stage = self.folder / f".nnviz-tmp-{secrets.token_hex(4)}"
            self._stage.mkdir()
        except OutputPathError:
            self._remove_created_dirs()
            raise
        except OSError as e:
            self._remove_created_dirs()
            raise OutputPathError(
                f"cannot write into {self.folder} ({e.strerror}); choose a writable output folder"
            ) from None
        self._tmp = self._stage  # removed by abort()

    def _write(self, frame: np.ndarray, step: int | None) -> None:
        if self.pattern is None:
            name = _FRAME_NAME.format(self.frame_count)
        else:
            if step is None:
                raise ValueError(
                    f"the file name pattern {self.pattern!r} needs a step: call write(frame, step=...)"
                )
            name = self.pattern.format(step=step)
            if name in self._names:
                raise ValueError(
                    f"steps {self._names[name]} and {step} both give the file name {name!r}; "
                    "use a pattern that tells them apart"
                )
        self._names[name] = step
        _save_png(frame, self._stage / name, self.compress_level)

    def _commit(self) -> None:
        for name in self._names:
            os.replace(self._stage / name, self.folder / name)
        self._stage.rmdir()
        self._tmp = None
        if self.pattern is None:
            stale = [
                p.name for p in self.folder.glob("frame_*.png")
                if re.fullmatch(r"frame_\d{5,}\.png", p.name) and p.name not in self._names
            ]
            if stale:
                logger.warning("%d older frame_*.png files remain in %s", len(stale), self.folder)

    @property
    def files(self) -> list[Path]:
        """Paths of the frames written so far (final locations), in write order."""
        return [self.folder / n for n in self._names]


@register_writer("png", (".png",))
class PngWriter(Writer):
    """A single still PNG; accepts exactly one frame.

    Parameters
    ----------
    path : str or os.PathLike
        Output ``.png`` file.
    fps : float, default 20
        Ignored apart from validation.
    compress_level : int, default 6
        zlib level 0..9.
    """

    description = "a single still image (exactly one frame)"
    kind = "still"

    def __init__(self, path: PathLike, fps: float = 20, *, compress_level: int = 6) -> None:
        super().__init__(path, fps)
        self.compress_level = int(compress_level)

    def _write(self, frame: np.ndarray, step: int | None) -> None:
        if self.frame_count >= 1:
            raise ValueError(
                f"{self.path} is a single PNG and takes exactly one frame; for one PNG per "
                "frame give a folder (out/) or a pattern like name-{step:05d}.png"
            )
        assert self._tmp is not None
        _save_png(frame, self._tmp, self.compress_level)


def _claim_frames(folder: Path):
    """The lock on writing frames into ``folder``; stage folders of a killed earlier run are removed."""
    from ..safefile import OutputError, OutputLock

    try:
        lock = OutputLock(folder.resolve()).acquire()
    except OutputError as e:
        raise OutputPathError(str(e)) from None
    for old in folder.glob(".nnviz-tmp-*"):
        _remove(old)
    return lock

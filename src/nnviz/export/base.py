"""Writer base class, format registry and :func:`open_writer`.

A writer turns a stream of RGB frames (numpy arrays of shape ``(H, W, 3)``,
dtype ``uint8``) into a file. Every writer writes to a hidden temporary file
(or folder) next to the target and moves it into place only when
:meth:`Writer.close` succeeds, so an exception inside ``with open_writer(...)``
leaves nothing half-written behind and never touches a file that existed
before.
"""

from __future__ import annotations

import logging
import math
import os
import secrets
import shutil
from pathlib import Path
from typing import Any, Callable, ClassVar, TypeVar

import numpy as np

__all__ = [
    "Writer",
    "WRITERS",
    "register_writer",
    "supported_formats",
    "FormatError",
    "OutputPathError",
    "is_frames_target",
]

logger = logging.getLogger(__name__)

PathLike = str | os.PathLike


class FormatError(ValueError):
    """The output path does not name a supported format."""


class OutputPathError(OSError, ValueError):
    """The output path cannot be written (raised when the writer is opened)."""


class Writer:
    """Base class of all frame writers; use as a context manager.

    Subclass contract: set :attr:`description`, decorate with
    :func:`register_writer` (which sets :attr:`name` and :attr:`suffixes`),
    validate options *before* calling ``super().__init__`` (which creates the
    empty temporary file ``self._tmp`` beside the target), and implement
    ``_write(frame, step)`` (frames arrive checked and C-contiguous),
    optionally ``_finish()`` (flush into ``self._tmp``; called by
    :meth:`close`) and ``_discard()`` (release resources on abort). The base
    class renames ``self._tmp`` onto the target after ``_finish`` and deletes
    it on abort.

    Parameters
    ----------
    path : str or os.PathLike
        Output path.
    fps : float, default 20
        Frames per second, > 0.
    **options
        Writer-specific options (see each subclass).
    """

    name: ClassVar[str] = ""
    suffixes: ClassVar[tuple[str, ...]] = ()
    description: ClassVar[str] = ""
    #: True if the output is a single file (False: a folder of files).
    single_file: ClassVar[bool] = True
    #: What the output is (see :mod:`nnviz.export.targets`): "movie", "player", "frames" or "still".
    kind: ClassVar[str] = "movie"
    #: True if :meth:`write` also takes (H, W, 4) RGBA frames (the alpha is ignored) and copies
    #: them before returning, so a renderer can hand over its canvas without copying it to RGB.
    takes_rgba: ClassVar[bool] = False

    def __init__(self, path: PathLike, fps: float = 20, **options: Any) -> None:
        if options:
            raise TypeError(
                f"{self.name} writer got unknown option(s) {sorted(options)}"
            )
        self.path = Path(os.fspath(path))
        self.fps = check_fps(fps)
        self.frame_count = 0
        self.size: tuple[int, int] | None = None  # (width, height)
        self.closed = False
        self._created_dirs: list[Path] = []
        self._tmp: Path | None = None
        if self.single_file:
            try:
                self._tmp = self._open_tmp_file(self.path)
            except OutputPathError:
                self._remove_created_dirs()
                raise

    # -- context manager -------------------------------------------------
    def __enter__(self) -> Writer:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {str(self.path)!r} fps={self.fps:g} frames={self.frame_count}>"

    # -- public API --------------------------------------------------------
    def write(self, frame: np.ndarray, step: int | None = None) -> None:
        """Append one frame.

        Parameters
        ----------
        frame : numpy.ndarray
            RGB image, shape ``(H, W, 3)``, dtype ``uint8``; every frame of a
            movie must have the same size. Writers with :attr:`takes_rgba` also
            take ``(H, W, 4)`` RGBA (the alpha is ignored), and copy it at once.
        step : int, optional
            Training step shown in this frame; only PNG name patterns use it.

        Raises
        ------
        ValueError
            If the frame has the wrong dtype or shape, or its size differs
            from the first frame's.
        """
        if self.closed:
            raise ValueError(f"{self.name} writer for {self.path} is closed")
        frame = self._check_frame(frame)
        self._write(frame, step)
        self.frame_count += 1

    def close(self) -> None:
        """Finish the output and move it into place (idempotent).

        Raises
        ------
        ValueError
            If no frame was written (nothing is saved then).
        """
        if self.closed:
            return
        if self.frame_count == 0:
            self.abort()
            raise ValueError(f"no frames were written; {self.path} was not saved")
        try:
            self._finish()
            self._commit()
        except BaseException:
            self.abort()
            raise
        self.closed = True
        self._release()
        logger.info("wrote %s (%d frames)", self.path, self.frame_count)

    def abort(self) -> None:
        """Stop writing and remove the partial output (idempotent)."""
        if self.closed:
            return
        self.closed = True
        try:
            self._discard()
        except Exception:  # clean-up must not mask the original error
            logger.warning("could not clean up after %s writer", self.name, exc_info=True)
        if self._tmp is not None:
            _remove(self._tmp)
            self._tmp = None
        self._release()  # before the folders: the lock file is in one
        self._remove_created_dirs()
        logger.info("removed partial output for %s", self.path)

    def _release(self) -> None:
        lock = getattr(self, "_lock", None)
        if lock is not None:
            lock.release()
            self._lock = None

    def _remove_created_dirs(self) -> None:
        for d in reversed(self._created_dirs):
            try:
                d.rmdir()
            except OSError:
                pass
        self._created_dirs = []

    # -- for subclasses ---------------------------------------------------
    def _write(self, frame: np.ndarray, step: int | None) -> None:
        raise NotImplementedError

    def _finish(self) -> None:
        """Flush everything to the temporary output (called by :meth:`close`)."""

    def _discard(self) -> None:
        """Release resources on abort (the base class removes the temp file)."""

    def _commit(self) -> None:
        if self._tmp is not None:
            os.replace(self._tmp, self.path)
            self._tmp = None

    def _check_frame(self, frame: Any) -> np.ndarray:
        a = np.asarray(frame)
        i = self.frame_count
        if a.dtype != np.uint8:
            raise ValueError(
                f"frame {i} has dtype {a.dtype}; frames must be uint8 RGB arrays "
                "(e.g. (np.clip(x, 0, 1) * 255).round().astype(np.uint8))"
            )
        channels = (3, 4) if self.takes_rgba else (3,)
        if a.ndim != 3 or a.shape[2] not in channels or a.shape[0] == 0 or a.shape[1] == 0:
            raise ValueError(
                f"frame {i} has shape {a.shape}; frames must have shape (height, width, 3)"
            )
        if self.frame_count and a.shape[2] != self._channels:
            raise ValueError(f"frame {i} has {a.shape[2]} channels but the movie started with {self._channels}")
        self._channels = a.shape[2]
        size = (a.shape[1], a.shape[0])
        if self.size is None:
            self.size = size
        elif size != self.size:
            raise ValueError(
                f"frame {i} is {size[0]}x{size[1]} but the movie started at "
                f"{self.size[0]}x{self.size[1]}; all frames must have the same size"
            )
        return np.ascontiguousarray(a)

    def _make_dirs(self, folder: Path) -> None:
        """Create ``folder`` and missing parents, remembering what was created."""
        missing = []
        p = folder
        while not p.exists() and p != p.parent:
            missing.append(p)
            p = p.parent
        for d in reversed(missing):
            try:
                d.mkdir()
            except FileExistsError:
                if not d.is_dir():
                    raise OutputPathError(
                        f"cannot create folder {d}: a file of that name exists; "
                        "choose another output path"
                    ) from None
                continue
            except NotADirectoryError:
                raise OutputPathError(
                    f"cannot create folder {d}: {_first_file_parent(d)} is a regular file, "
                    "not a folder; choose another output path"
                ) from None
            except OSError as e:
                raise OutputPathError(
                    f"cannot create folder {d} ({e.strerror}); choose a writable output folder"
                ) from None
            self._created_dirs.append(d)
        if not folder.is_dir():
            raise OutputPathError(
                f"cannot write into {folder}: {_first_file_parent(folder)} is a regular "
                "file, not a folder; choose another output path"
            )

    def _open_tmp_file(self, target: Path) -> Path:
        """Check ``target`` is writable and create an empty hidden temp file beside it."""
        if target.is_dir():
            raise OutputPathError(
                f"output path {target} is a folder; give a file name such as "
                f"{target / ('movie' + (self.suffixes[0] if self.suffixes else ''))}"
            )
        from ..safefile import OutputError, claim_output

        self._make_dirs(target.parent)
        try:  # a device, FIFO or socket is refused; a killed earlier render's temp files go
            self._lock = claim_output(target, f".{target.stem}.nnviz-tmp-*{target.suffix}")
        except OutputError as e:
            raise OutputPathError(str(e)) from None
        tmp = target.parent / f".{target.stem}.nnviz-tmp-{secrets.token_hex(4)}{target.suffix}"
        try:
            # 0o666 & ~umask, like a normally created file
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except OSError as e:
            raise OutputPathError(
                f"cannot write to {target.parent} ({e.strerror}); choose a writable output folder"
            ) from None
        return tmp


def _first_file_parent(p: Path) -> Path:
    for q in [p, *p.parents]:
        if q.exists() and not q.is_dir():
            return q
    return p


def _remove(p: Path) -> None:
    try:
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p)
        else:
            p.unlink()
    except FileNotFoundError:
        pass


def check_fps(fps: Any) -> float:
    """Return ``fps`` as float, or raise ValueError unless it is finite and > 0."""
    if isinstance(fps, bool) or not isinstance(fps, (int, float, np.integer, np.floating)):
        raise ValueError(f"fps must be a number > 0, got {fps!r}")
    if not (math.isfinite(fps) and fps > 0):
        raise ValueError(f"fps must be > 0, got {fps!r}")
    return float(fps)


# -- registry ---------------------------------------------------------------

WRITERS: dict[str, type[Writer]] = {}
"""Registered writer classes by name, in registration order."""

W = TypeVar("W", bound=type[Writer])


def register_writer(name: str, suffixes: tuple[str, ...] | list[str] = ()) -> Callable[[W], W]:
    """Class decorator that registers a :class:`Writer` subclass.

    Parameters
    ----------
    name : str
        Format name, e.g. ``"gif"``.
    suffixes : sequence of str
        File suffixes (with the dot, e.g. ``(".gif",)``) that select this
        writer in :func:`open_writer`. May be empty for writers selected
        otherwise (the PNG frames writer).

    Returns
    -------
    callable
        The decorator; it sets ``cls.name`` and ``cls.suffixes``.

    Raises
    ------
    ValueError
        If a suffix is already claimed by another writer.
    """
    sfx = tuple(s.lower() if s.startswith(".") else "." + s.lower() for s in suffixes)

    def deco(cls: W) -> W:
        for other in WRITERS.values():
            if other.name == name or other.__qualname__ == cls.__qualname__:
                continue
            clash = set(sfx) & set(other.suffixes)
            if clash:
                raise ValueError(f"suffix {sorted(clash)} already used by writer {other.name!r}")
        cls.name = name
        cls.suffixes = sfx
        WRITERS[name] = cls
        return cls

    return deco


def supported_formats() -> list[str]:
    """Human-readable list of the registered output formats.

    Returns
    -------
    list of str
        One entry per writer, e.g. ``"gif (.gif): animated GIF ..."``.
    """
    out = []
    for cls in WRITERS.values():
        hint = ", ".join(cls.suffixes) if cls.suffixes else getattr(cls, "path_hint", "")
        out.append(f"{cls.name} ({hint}): {cls.description}")
    return out


def is_frames_target(path: PathLike) -> bool:
    """True if ``path`` selects the PNG frames writer.

    That is a path ending in a separator, a file name containing a ``{step``
    format field, or an existing folder whose name does not end in a
    registered file suffix (``out.gif/`` as an existing folder is an error
    for the GIF writer, not a request for PNG frames).
    """
    s = os.fspath(path)
    if s.endswith(("/", os.sep)) or "{step" in os.path.basename(s):
        return True
    if os.path.isdir(s):
        suffix = os.path.splitext(s)[1].lower()
        return not any(suffix and suffix in c.suffixes for c in WRITERS.values())
    return False

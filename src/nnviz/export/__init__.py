"""Frame writers: turn a stream of RGB frames into GIF, MP4, WebM or PNG files.

Frames are numpy arrays of shape ``(H, W, 3)``, dtype ``uint8``::

    from nnviz.export import open_writer

    with open_writer("moons.gif", fps=20) as w:
        for step, frame in frames:
            w.write(frame, step=step)

The writer is chosen by the path (see :func:`open_writer`); new formats
register through :func:`register_writer`.
"""

from .base import (
    WRITERS,
    FormatError,
    OutputPathError,
    Writer,
    register_writer,
    supported_formats,
)
from .targets import STILL_SUFFIXES, Target, classify, open_writer, supported_outputs
from .gif import GifWriter, read_gif_info
from .png import PngFramesWriter, PngWriter
from .video import Mp4Writer, WebmWriter, probe_video

__all__ = [
    "Writer",
    "WRITERS",
    "register_writer",
    "supported_formats",
    "open_writer",
    "classify",
    "Target",
    "STILL_SUFFIXES",
    "supported_outputs",
    "FormatError",
    "OutputPathError",
    "GifWriter",
    "Mp4Writer",
    "WebmWriter",
    "PngFramesWriter",
    "PngWriter",
    "read_gif_info",
    "probe_video",
]
from . import html  # noqa: F401

"""Artists the views draw with, each cheaper per frame than matplotlib's general one:

* :mod:`~nnviz.render.artists.text` -- :class:`FastText`, the one text artist for per-frame numbers;
* :mod:`~nnviz.render.artists.image` -- :class:`FastImage`, small RGB fields resampled by Pillow;
* :mod:`~nnviz.render.artists.raster` -- :class:`RasterField`, a scalar field through a colour table.
"""

"""Remove metadata from images losslessly: JPEG, PNG/APNG, GIF, WebP, BMP, HEIF/HEIC/AVIF.

>>> import imgstrip
>>> clean = imgstrip.strip(open("photo.jpg", "rb").read(), keep=["display"])  # doctest: +SKIP

Functions: :func:`strip`, :func:`strip_with_report`, :func:`inspect`, :func:`detect`,
:func:`keep_names`. Errors: :class:`Error` (a ``ValueError``) and its subclasses
:class:`UnknownFormat`, :class:`Truncated`, :class:`Malformed`, :class:`Unsupported` and
:class:`LimitExceeded`, each with ``.offset`` and ``.format``.

The GIL is released while a file is stripped, so threads strip files in parallel.
"""

from ._errors import (
    Error,
    LimitExceeded,
    Malformed,
    Truncated,
    UnknownFormat,
    Unsupported,
)
from ._imgstrip import (
    Report,
    __version__,
    detect,
    inspect,
    keep_names,
    strip,
    strip_with_report,
)

__all__ = [
    "Error",
    "LimitExceeded",
    "Malformed",
    "Report",
    "Truncated",
    "UnknownFormat",
    "Unsupported",
    "__version__",
    "detect",
    "inspect",
    "keep_names",
    "strip",
    "strip_with_report",
]

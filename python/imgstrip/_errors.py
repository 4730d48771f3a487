"""The exceptions imgstrip raises.

They are plain Python classes (not created in Rust) so that ``offset`` and ``format`` are
ordinary attributes that survive pickling: a Dask cluster pickles a failed task's exception
to move it from a worker to the client.
"""

from __future__ import annotations

from typing import Optional


class Error(ValueError):
    """An input imgstrip cannot strip. A ``ValueError``: the bytes given are wrong.

    ``offset`` is the byte in the input where the problem was seen (``None`` for
    :class:`UnknownFormat`), ``format`` the format being read, lower case (``"jpeg"``, …;
    ``None`` for :class:`UnknownFormat`), and ``str(error)`` the library's message.
    """

    def __init__(
        self, message: str, offset: Optional[int] = None, format: Optional[str] = None
    ) -> None:
        super().__init__(message, offset, format)
        self.message = message
        self.offset = offset
        self.format = format

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.message!r}, offset={self.offset!r}, "
            f"format={self.format!r})"
        )


class UnknownFormat(Error):
    """No supported signature at byte 0 (``offset`` and ``format`` are ``None``)."""


class Truncated(Error):
    """The input ends before a unit it announces."""


class Malformed(Error):
    """The input breaks a rule of its format."""


class Unsupported(Error):
    """The input is valid but uses something imgstrip does not strip (yet)."""


class LimitExceeded(Error):
    """A number in the input (size, width, pixels, frames) is over one of the limits."""

"""Type stubs of the imgstrip package (the extension module imgstrip._imgstrip and the errors)."""

from typing import Iterable, List, Literal, Mapping, Optional, Tuple, Union, final

__version__: str

_Buffer = Union[bytes, bytearray, memoryview]
"""The input: bytes are read in place; a bytearray or memoryview is copied first."""

_KeepName = Literal[
    "orientation", "icc", "gain_map", "gain-map", "copyright", "display"
]
"""A name of what to keep (any case; ``-`` and ``_`` alike)."""

_LimitName = Literal[
    "max_input_bytes",
    "max_dimension",
    "max_pixels",
    "max_webp_dimension",
    "max_animation_pixels",
    "max_gif_frames",
]

_Keep = Union[str, Iterable[str]]
"""One comma-separated string (``"orientation,icc"``) or an iterable of names."""

_LimitsArg = Union[Literal["cos"], None, Mapping[str, Optional[int]]]
"""``"cos"``: Tencent COS's limits (the default); ``None``: no limits; a dict: the COS
limits with the named ones changed (a value of ``None`` lifts that limit)."""

_FormatName = Literal["jpeg", "png", "gif", "webp", "bmp", "heif", "avif", "jxl"]

@final
class Report:
    """What a strip removed and what the removed metadata held."""

    @property
    def format(self) -> str:
        """The input's format, lower case: ``"jpeg"``, ``"png"``, ``"gif"``, ``"webp"``,
        ``"bmp"``, ``"heif"`` or ``"avif"``."""
    @property
    def removed(self) -> List[str]:
        """Kinds of metadata removed: ``exif``, ``xmp``, ``iptc``, ``icc``, ``comment``,
        ``text``, ``timestamp``, ``thumbnail``, ``trailer``, ``other``."""
    @property
    def found(self) -> List[str]:
        """What the removed metadata held: ``gps``, ``capture_time``, ``device``,
        ``serial_number``, ``person``, ``faces``, ``location_text``, ``thumbnail``,
        ``edit_history``, ``software``, ``comment``, ``embedded_media``."""
    @property
    def not_kept(self) -> List[str]:
        """Keep flags asked for that found something they could not keep (``copyright``)."""
    @property
    def bytes_removed(self) -> int:
        """How many bytes shorter the output is than the input."""
    @property
    def width(self) -> int: ...
    @property
    def height(self) -> int: ...
    @property
    def frames(self) -> int:
        """Number of frames (1 for a still image)."""
    @property
    def truncated(self) -> bool:
        """The input ended early and imgstrip closed the image itself."""
    @property
    def untouched(self) -> bool:
        """The input came back unchanged: over a limit, with ``ignore_limit_errors``."""
    def to_dict(self) -> dict:
        """The fields as a dict (for a JSON report)."""
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

def strip(
    data: _Buffer,
    *,
    keep: _Keep = (),
    limits: _LimitsArg = "cos",
    ignore_limit_errors: bool = False,
) -> bytes:
    """Returns ``data`` without its metadata. Raises :class:`Error` (a ``ValueError``)
    subclasses; ``ValueError`` for an unknown keep name or limit."""

def strip_with_report(
    data: _Buffer,
    *,
    keep: _Keep = (),
    limits: _LimitsArg = "cos",
    ignore_limit_errors: bool = False,
) -> Tuple[bytes, Report]:
    """As :func:`strip`, and the :class:`Report`, from one walk of the file."""

def inspect(data: _Buffer, *, keep: _Keep = (), limits: _LimitsArg = "cos") -> Report:
    """Reports what :func:`strip` would remove, without writing the output."""

def detect(data: _Buffer) -> Optional[str]:
    """The format told from the first bytes (``"jpeg"``, …), or ``None``."""

def keep_names() -> List[str]:
    """The names ``keep=`` accepts: orientation, icc, gain_map, copyright, display."""

class Error(ValueError):
    """An input imgstrip cannot strip."""

    message: str
    offset: Optional[int]
    format: Optional[str]
    def __init__(
        self, message: str, offset: Optional[int] = None, format: Optional[str] = None
    ) -> None: ...

class UnknownFormat(Error): ...
class Truncated(Error): ...
class Malformed(Error): ...
class Unsupported(Error): ...
class LimitExceeded(Error): ...

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

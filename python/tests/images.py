"""Tiny images built in the test, byte by byte (no files)."""

import struct
import zlib

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# A TIFF (little-endian) whose IFD0 holds one tag: Orientation (0x0112) = 6.
EXIF_ORIENTATION_6 = (
    b"II*\x00\x08\x00\x00\x00\x01\x00"
    b"\x12\x01\x03\x00\x01\x00\x00\x00\x06\x00\x00\x00"
    b"\x00\x00\x00\x00"
)

# A 1×1 GIF89a with a comment extension ("hi").
GIF_WITH_COMMENT = (
    b"GIF89a\x01\x00\x01\x00\x00\x00\x00"
    b"\x21\xfe\x02hi\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


def chunk(kind: bytes, body: bytes) -> bytes:
    """A PNG chunk with a right length and CRC."""
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


IHDR = chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
IDAT = chunk(b"IDAT", zlib.compress(b"\x00\x00\x00\x00"))
IEND = chunk(b"IEND", b"")


def png(*extra: bytes) -> bytes:
    """A 1×1 RGB PNG with `extra` chunks between IHDR and IDAT."""
    return PNG_SIGNATURE + IHDR + b"".join(extra) + IDAT + IEND


CLEAN_PNG = png()
PNG_WITH_METADATA = png(
    chunk(b"eXIf", EXIF_ORIENTATION_6),
    chunk(b"tEXt", b"Comment\x00hello"),
    chunk(b"tIME", b"\x07\xe6\x01\x01\x00\x00\x00"),
)

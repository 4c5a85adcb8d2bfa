"""Checking and cleaning complaint photos before they are stored.

Every photo a citizen uploads is decoded and re-encoded here, never stored as sent: re-encoding is what
guarantees that the EXIF block (camera GPS position, phone model, owner name), XMP and any trailing bytes
are gone, and that what we serve is a plain image of a format we accept.

Decisions:
- The format is detected from the content (Pillow's identification), never from the file name or the
  browser's content type, both of which the sender controls.
- The output keeps the input format (JPEG stays JPEG, PNG stays PNG, WebP stays WebP), so transparency in
  PNG/WebP survives and the ext/content type stay honest.
- The ICC colour profile is kept: it describes colours, not the person or the place, and dropping it makes
  wide-gamut phone photos (Display P3) look washed out. It is dropped only when we change the colour mode
  (e.g. CMYK to RGB), where it would no longer match the pixels.
- Animated PNG/WebP are flattened to their first frame: a complaint photo is evidence, not an animation.
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from typing import IO

from PIL import Image, ImageOps, UnidentifiedImageError

# Issue #2: up to 5 photos, JPEG/PNG/WebP, <= 10 MB each.
MAX_PHOTOS = 5
MAX_PHOTO_BYTES = 10 * 1024 * 1024
# Pillow format name -> (file extension, content type) of what we store.
ALLOWED_FORMATS: dict[str, tuple[str, str]] = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
}

# Longest side after resizing: enough to read a street sign or a meter, small enough for a phone on 3G.
MAX_SIDE = 2048
# Our own decompression-bomb guard, checked from the header before any pixel is decoded. Pillow's global
# Image.MAX_IMAGE_PIXELS (~89 MP) is process-wide and other code may rely on it, so we leave it alone and
# apply a stricter local limit: 50 MP covers a 50 MP phone camera at full resolution (8160x6120) while
# capping a decoded RGBA frame at ~200 MB.
MAX_PIXELS = 50_000_000

JPEG_QUALITY = 85
WEBP_QUALITY = 85

MSG_FORMAT = "Foto harus berformat JPEG, PNG, atau WebP."
MSG_TOO_BIG = "Ukuran foto maksimal 10 MB."
MSG_INVALID = "Berkas bukan gambar yang valid."
MSG_TOO_MANY_PIXELS = "Resolusi foto terlalu besar (maksimal 50 megapiksel)."

# ISO base media "ftyp" brands of formats Pillow cannot open here (iPhone HEIC, AVIF): without this sniff
# an iPhone user would be told the file is not an image at all, rather than which formats we take.
_ISO_IMAGE_BRANDS = (b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis")


class PhotoError(ValueError):
    """A photo we refuse; str(error) is the Indonesian message to show the citizen."""


@dataclass(frozen=True)
class ProcessedPhoto:
    content: bytes
    ext: str  # "jpg", "png" or "webp"
    content_type: str
    width: int
    height: int


def _read_limited(data: bytes | bytearray | memoryview | IO[bytes], max_bytes: int) -> bytes:
    """The raw bytes; reads at most max_bytes + 1 so an oversized upload is refused without loading it."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data)
    else:
        # Django's UploadedFile may already have been read (e.g. by form validation): start from the top.
        seek = getattr(data, "seek", None)
        if seek is not None:
            with contextlib.suppress(OSError, ValueError):  # an unseekable stream: read what is left
                seek(0)
        raw = data.read(max_bytes + 1)
        if not isinstance(raw, bytes):
            raise PhotoError(MSG_INVALID)
    if len(raw) > max_bytes:
        raise PhotoError(MSG_TOO_BIG)
    if not raw:
        raise PhotoError(MSG_INVALID)
    return raw


def _looks_like_unsupported_image(raw: bytes) -> bool:
    return raw[4:8] == b"ftyp" and raw[8:12] in _ISO_IMAGE_BRANDS


def _normalise_mode(im: Image.Image, fmt: str) -> tuple[Image.Image, bool]:
    """An image in a mode the output encoder takes and that resizes smoothly; True if the mode changed."""
    has_alpha = "A" in im.getbands() or "transparency" in im.info
    if fmt == "JPEG":
        wanted = ("L", "RGB")
        target = "L" if im.mode in ("1", "L", "I;16", "I") else "RGB"
    else:
        # Palette and 1-bit images would be resized with nearest-neighbour (jagged), so widen them too.
        wanted = ("L", "LA", "RGB", "RGBA")
        target = "RGBA" if has_alpha else "RGB"
    if im.mode in wanted:
        return im, False
    return im.convert(target), True


def process_photo(
    data: bytes | bytearray | memoryview | IO[bytes],
    *,
    max_bytes: int = MAX_PHOTO_BYTES,
    max_side: int = MAX_SIDE,
) -> ProcessedPhoto:
    """Validates an uploaded photo; returns it re-encoded: upright, no metadata, longest side <= max_side.

    Raises PhotoError (a ValueError) with an Indonesian message for anything we refuse.
    """
    raw = _read_limited(data, max_bytes)
    try:
        im = Image.open(io.BytesIO(raw))
    except Image.DecompressionBombError as exc:
        raise PhotoError(MSG_TOO_MANY_PIXELS) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise PhotoError(MSG_FORMAT if _looks_like_unsupported_image(raw) else MSG_INVALID) from exc

    with im:
        fmt = im.format or ""
        if fmt not in ALLOWED_FORMATS:
            raise PhotoError(MSG_FORMAT)
        width, height = im.size
        if width < 1 or height < 1:
            raise PhotoError(MSG_INVALID)
        if width * height > MAX_PIXELS:
            raise PhotoError(MSG_TOO_MANY_PIXELS)
        if fmt == "JPEG":
            # Let libjpeg decode at 1/2, 1/4 or 1/8 scale when the target is much smaller: far less memory
            # for big camera photos. Draft never goes below the requested size, so quality is unaffected.
            im.draft(None, (max_side, max_side))
        try:
            # Pillow is lazy: truncated or corrupt pixel data only shows up on load (OSError "truncated").
            im.load()
            upright = ImageOps.exif_transpose(im)
        except Image.DecompressionBombError as exc:
            raise PhotoError(MSG_TOO_MANY_PIXELS) from exc
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            raise PhotoError(MSG_INVALID) from exc
        icc_profile = im.info.get("icc_profile")

    upright, mode_changed = _normalise_mode(upright, fmt)
    if mode_changed:
        icc_profile = None
    upright.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    # Nothing from the source file may ride along: the encoders only write what we pass them, and clearing
    # info also stops PNG from copying chunks (and future Pillow versions from copying more) implicitly.
    upright.info = {}

    options: dict[str, object] = {}
    if icc_profile:
        options["icc_profile"] = icc_profile
    if fmt == "JPEG":
        options.update(quality=JPEG_QUALITY, optimize=True, progressive=True)
    elif fmt == "PNG":
        options.update(optimize=True)
    else:
        options.update(quality=WEBP_QUALITY, method=4)

    out = io.BytesIO()
    upright.save(out, format=fmt, **options)
    ext, content_type = ALLOWED_FORMATS[fmt]
    return ProcessedPhoto(
        content=out.getvalue(),
        ext=ext,
        content_type=content_type,
        width=upright.width,
        height=upright.height,
    )

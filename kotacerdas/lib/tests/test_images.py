from __future__ import annotations

import io
import os
import struct
import zlib

import pytest
from PIL import ExifTags, Image

from kotacerdas.lib.images import (
    MAX_PHOTO_BYTES,
    MAX_PHOTOS,
    MSG_FORMAT,
    MSG_INVALID,
    MSG_TOO_BIG,
    MSG_TOO_MANY_PIXELS,
    PhotoError,
    process_photo,
)

GPS_IFD = 0x8825


def _encode(im: Image.Image, fmt: str, **options: object) -> bytes:
    buf = io.BytesIO()
    im.save(buf, format=fmt, **options)
    return buf.getvalue()


def _gradient(size: tuple[int, int], mode: str = "RGB") -> Image.Image:
    # A left half red / right half blue picture, so a rotation is visible in the pixels, not only in the size.
    im = Image.new(mode, size, (200, 30, 30) if mode == "RGB" else (200, 30, 30, 255))
    im.paste((30, 30, 200) if mode == "RGB" else (30, 30, 200, 255), (size[0] // 2, 0, size[0], size[1]))
    return im


def _jpeg_with_gps_and_rotation() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # "rotate 90 CW to display": phones held upright write this
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Pocket 12"
    gps = exif.get_ifd(GPS_IFD)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (3.0, 35.0, 42.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (98.0, 40.0, 20.0)
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description>secret-owner</rdf:Description></x:xmpmeta>'
    return _encode(_gradient((400, 300)), "JPEG", exif=exif.tobytes(), xmp=xmp, quality=95)


def test_it_allows_five_photos_of_ten_megabytes():
    assert MAX_PHOTOS == 5
    assert MAX_PHOTO_BYTES == 10 * 1024 * 1024


def test_it_rotates_per_exif_orientation_and_strips_exif_gps_and_xmp():
    raw = _jpeg_with_gps_and_rotation()
    with Image.open(io.BytesIO(raw)) as source:  # the fixture really carries what we want removed
        assert source.getexif().get_ifd(GPS_IFD)
        assert b"secret-owner" in raw

    photo = process_photo(raw)

    assert (photo.ext, photo.content_type) == ("jpg", "image/jpeg")
    assert (photo.width, photo.height) == (300, 400)
    assert b"secret-owner" not in photo.content
    assert b"PhoneMaker" not in photo.content
    with Image.open(io.BytesIO(photo.content)) as out:
        assert out.format == "JPEG"
        assert out.size == (300, 400)
        assert "exif" not in out.info
        assert "xmp" not in out.info
        assert len(out.getexif()) == 0
        assert not out.getexif().get_ifd(GPS_IFD)
        # Orientation 6 turns the red left half into the top half.
        assert out.getpixel((150, 50))[0] > 150
        assert out.getpixel((150, 350))[2] > 150


def test_it_resizes_a_large_png_to_the_longest_side_limit():
    photo = process_photo(_encode(_gradient((4000, 3000)), "PNG"))

    assert (photo.ext, photo.content_type) == ("png", "image/png")
    assert (photo.width, photo.height) == (2048, 1536)
    with Image.open(io.BytesIO(photo.content)) as out:
        assert out.format == "PNG"
        assert out.size == (2048, 1536)


def test_it_resizes_a_large_jpeg_decoded_in_draft_mode_to_the_exact_limit():
    photo = process_photo(_encode(_gradient((6000, 4500)), "JPEG"), max_side=1000)

    assert (photo.width, photo.height) == (1000, 750)


def test_it_leaves_small_photos_at_their_size():
    photo = process_photo(_encode(_gradient((640, 480)), "JPEG"))

    assert (photo.width, photo.height) == (640, 480)


def test_it_accepts_webp_and_keeps_transparency():
    im = _gradient((320, 200), mode="RGBA")
    im.putpixel((0, 0), (0, 0, 0, 0))

    photo = process_photo(_encode(im, "WEBP", lossless=True))

    assert (photo.ext, photo.content_type) == ("webp", "image/webp")
    with Image.open(io.BytesIO(photo.content)) as out:
        assert out.format == "WEBP"
        assert out.mode == "RGBA"
        assert out.size == (320, 200)


def test_it_widens_a_palette_png_with_transparency_to_rgba():
    im = Image.new("P", (50, 40), 0)
    im.putpalette([255, 0, 0, 0, 255, 0] + [0] * (256 * 3 - 6))
    photo = process_photo(_encode(im, "PNG", transparency=0))

    with Image.open(io.BytesIO(photo.content)) as out:
        assert out.mode == "RGBA"
        assert out.getpixel((0, 0))[3] == 0


def test_it_converts_a_cmyk_jpeg_to_rgb():
    photo = process_photo(_encode(Image.new("CMYK", (60, 40), (0, 255, 255, 0)), "JPEG"))

    with Image.open(io.BytesIO(photo.content)) as out:
        assert out.mode == "RGB"


def test_it_keeps_the_icc_profile():
    icc = b"\0" * 128 + b"fake-but-kept-icc"
    photo = process_photo(_encode(_gradient((30, 20)), "JPEG", icc_profile=icc))

    with Image.open(io.BytesIO(photo.content)) as out:
        assert out.info.get("icc_profile") == icc


def test_it_flattens_an_animated_webp_to_its_first_frame():
    frames = [Image.new("RGB", (40, 30), colour) for colour in ((255, 0, 0), (0, 0, 255))]
    raw = _encode(frames[0], "WEBP", save_all=True, append_images=frames[1:], duration=100, lossless=True)

    photo = process_photo(raw)

    with Image.open(io.BytesIO(photo.content)) as out:
        assert getattr(out, "n_frames", 1) == 1
        red, _green, blue = out.convert("RGB").getpixel((20, 15))
        assert red > 200 and blue < 50  # lossy re-encode: the first (red) frame, not the blue one


def test_it_refuses_a_gif():
    with pytest.raises(PhotoError) as exc:
        process_photo(_encode(_gradient((40, 30)).convert("P"), "GIF"))

    assert str(exc.value) == MSG_FORMAT


def test_it_refuses_a_heic_with_the_format_message():
    raw = struct.pack(">I", 24) + b"ftypheic" + b"\0\0\0\0mif1heic" + os.urandom(200)

    with pytest.raises(PhotoError, match="JPEG, PNG, atau WebP"):
        process_photo(raw)


def test_it_detects_the_format_from_content_not_the_file_name():
    upload = io.BytesIO(_encode(_gradient((40, 30)), "BMP"))
    upload.name = "foto.jpg"

    with pytest.raises(PhotoError) as exc:
        process_photo(upload)

    assert str(exc.value) == MSG_FORMAT


def test_it_refuses_random_bytes_as_a_value_error():
    # Callers (forms, actions) catch ValueError; PhotoError must stay one.
    with pytest.raises(ValueError) as exc:
        process_photo(os.urandom(4096))

    assert isinstance(exc.value, PhotoError)
    assert str(exc.value) == MSG_INVALID


def test_it_refuses_an_empty_file():
    with pytest.raises(PhotoError, match="bukan gambar"):
        process_photo(b"")


def test_it_refuses_more_than_ten_megabytes_without_decoding():
    with pytest.raises(PhotoError) as exc:
        process_photo(b"\xff\xd8\xff" + b"\0" * (11 * 1024 * 1024))

    assert str(exc.value) == MSG_TOO_BIG


def test_it_refuses_a_file_like_upload_over_the_limit_reading_only_limit_plus_one():
    class CountingUpload(io.BytesIO):
        read_sizes: list[int]

        def read(self, size: int | None = -1) -> bytes:
            self.read_sizes.append(size if size is not None else -1)
            return super().read(size)

    upload = CountingUpload(_encode(_gradient((40, 30)), "PNG"))
    upload.read_sizes = []

    with pytest.raises(PhotoError, match="10 MB"):
        process_photo(upload, max_bytes=100)

    assert upload.read_sizes == [101]


def test_it_rereads_a_file_like_upload_from_the_start():
    upload = io.BytesIO(_encode(_gradient((40, 30)), "PNG"))
    upload.read()  # as form validation would have done

    assert process_photo(upload).width == 40


def test_it_refuses_a_truncated_jpeg():
    raw = _encode(_gradient((800, 600)), "JPEG")

    with pytest.raises(PhotoError) as exc:
        process_photo(raw[: len(raw) // 2])

    assert str(exc.value) == MSG_INVALID


def test_it_refuses_a_decompression_bomb_before_decoding_it():
    # A 1-bit 10000x6000 PNG is a few kB on disk but 60 MP once decoded.
    raw = _encode(Image.new("1", (10000, 6000)), "PNG")
    assert len(raw) < 100_000

    with pytest.raises(PhotoError) as exc:
        process_photo(raw)

    assert str(exc.value) == MSG_TOO_MANY_PIXELS


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def test_it_refuses_a_header_claiming_pillows_own_bomb_size():
    # Beyond 2x Image.MAX_IMAGE_PIXELS Pillow itself raises DecompressionBombError from open().
    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    raw = b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IEND", b"")

    with pytest.raises(PhotoError) as exc:
        process_photo(raw)

    assert str(exc.value) == MSG_TOO_MANY_PIXELS

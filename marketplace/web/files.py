"""How a stored file is sent back: under its own name, opened in the browser when it can be, kept briefly."""

from urllib.parse import quote

from fastapi.responses import Response

INLINE = {"application/pdf", "image/jpeg", "image/png", "image/webp"}  # opened in the browser; the rest downloaded
CACHE = {"cache-control": "private, max-age=600"}  # a file may be removed or its record hidden: kept briefly


def file_response(content: bytes, *, media_type: str, filename: str, sha256: str) -> Response:
    """The file's bytes with a Content-Disposition naming it (RFC 5987 for Vietnamese letters, an ASCII fallback)."""
    disposition = "inline" if media_type in INLINE else "attachment"
    fallback = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    headers = CACHE | {
        "content-disposition": f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}",
        "etag": f'"{sha256}"',
    }
    return Response(content, media_type=media_type, headers=headers)


def preview_response(thumbnail: bytes) -> Response:
    """The small JPEG shown in a list of files."""
    return Response(thumbnail, media_type="image/jpeg", headers=CACHE)

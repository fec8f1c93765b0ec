"""Resizing of uploaded note images, as Alyx's Note.save does."""

from io import BytesIO

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from PIL import Image
from rest_framework.exceptions import ValidationError


def requested_width(raw) -> int | None:
    """The `width` sent beside an image: absent -> the default, "orig" -> None (keep size)."""
    if raw in (None, ""):
        return settings.UPLOADED_IMAGE_WIDTH
    if raw == "orig":
        return None
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise ValidationError({"width": [f'Expected an integer or "orig", got "{raw}"']})


def resized(upload, width: int | None):
    """The upload shrunk to `width` pixels, aspect ratio kept; never enlarged."""
    if width is None:
        return upload
    upload.seek(0)
    with Image.open(upload) as image:
        if image.width <= width:
            upload.seek(0)
            return upload
        image_format = image.format
        image.thumbnail((width, round(image.height * width / image.width)))
        output = BytesIO()
        image.save(output, format=image_format, quality=70)
    return InMemoryUploadedFile(
        output, "image", upload.name, upload.content_type, output.tell(), None
    )

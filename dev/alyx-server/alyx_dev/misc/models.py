"""Labs, and the notes that can be attached to any session, insertion or subject."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from alyx_dev.base import BaseModel


class Lab(BaseModel):
    name = models.CharField(max_length=255, unique=True)

    def __str__(self):
        return self.name


class Note(BaseModel):
    """A text (and optionally an image) about one object, through a generic foreign key."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    date_time = models.DateTimeField(default=timezone.now)
    text = models.TextField(blank=True, help_text="Content of the note or description of the image")
    image = models.ImageField(upload_to="note_images/%Y/%m/%d", blank=True, null=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.UUIDField(help_text="UUID of an existing object of content_type")
    content_object = GenericForeignKey()

    class Meta:
        # A stable order, so that pages of a list neither repeat nor skip notes.
        ordering = ("date_time", "id")
        indexes = [models.Index(fields=("object_id",))]

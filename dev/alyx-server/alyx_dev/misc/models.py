"""Users (Alyx's LabMember), labs, and the notes that can be attached to any session, insertion or subject."""

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from alyx_dev.base import BaseModel


class LabMember(AbstractUser):
    """Alyx's user: a UUID id, and `is_public_user` for accounts that may read but never write."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    is_stock_manager = models.BooleanField(default=False)
    allowed_users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True)
    is_public_user = models.BooleanField(default=False)

    class Meta:
        ordering = ["username"]

    @property
    def lab(self) -> list[str]:
        """Names of the labs the user belongs to, as Alyx's /users shows them."""
        return list(Lab.objects.filter(labmembership__user=self).values_list("name", flat=True))


def default_timezone():
    return settings.TIME_ZONE


class Lab(BaseModel):
    name = models.CharField(max_length=255, unique=True)
    institution = models.CharField(max_length=255, blank=True)
    address = models.CharField(max_length=255, blank=True)
    timezone = models.CharField(max_length=64, blank=True, default=default_timezone)
    reference_weight_pct = models.FloatField(default=0.0)
    zscore_weight_pct = models.FloatField(default=0.0)

    def __str__(self):
        return self.name


class LabMembership(BaseModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    lab = models.ForeignKey(Lab, on_delete=models.CASCADE)


class LabLocation(BaseModel):
    """Where a session took place (a rig, a room); sessions here have none unless given one."""

    lab = models.ForeignKey(Lab, null=True, blank=True, on_delete=models.CASCADE)

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

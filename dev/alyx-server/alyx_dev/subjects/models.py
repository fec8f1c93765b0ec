"""Subjects (the animals) and the projects sessions belong to."""

from django.conf import settings
from django.db import models

from alyx_dev.base import BaseModel


class Project(BaseModel):
    name = models.CharField(max_length=255, unique=True)

    def __str__(self):
        return self.name


class Subject(BaseModel):
    nickname = models.CharField(max_length=64, unique=True)
    lab = models.ForeignKey("misc.Lab", null=True, blank=True, on_delete=models.SET_NULL)
    # /users lists each user's subjects_responsible, as Alyx does.
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="subjects_responsible",
        on_delete=models.SET_NULL,
    )

    class Meta:
        ordering = ("nickname",)

    def __str__(self):
        return self.nickname

"""Probe models and probe insertions."""

from django.db import models

from alyx_dev.base import BaseModel


class ProbeModel(BaseModel):
    name = models.CharField(max_length=255, unique=True, help_text='e.g. "3B2", "NP2.1"')

    def __str__(self):
        return self.name


class ProbeInsertion(BaseModel):
    name = models.CharField(max_length=255, help_text='Probe label, e.g. "probe00"')
    session = models.ForeignKey(
        "actions.Session", related_name="probe_insertion", on_delete=models.CASCADE
    )
    model = models.ForeignKey(ProbeModel, null=True, blank=True, on_delete=models.SET_NULL)
    serial = models.CharField(max_length=255, blank=True, default="")
    auto_datetime = models.DateTimeField(auto_now=True, null=True, blank=True)

    class Meta:
        ordering = ("-session__start_time", "name", "id")
        constraints = [
            models.UniqueConstraint(
                fields=("name", "session"), name="unique_probe_insertion_name_per_session"
            )
        ]

    def __str__(self):
        return f"{self.name} {self.session}"

"""Experimental sessions."""

from django.conf import settings
from django.db import models

from alyx_dev.base import BaseModel


class Session(BaseModel):
    # Alyx stores the QC outcome as an integer and shows its name in the API.
    QC_CHOICES = [(0, "NOT_SET"), (10, "PASS"), (30, "WARNING"), (40, "FAIL"), (50, "CRITICAL")]

    subject = models.ForeignKey(
        "subjects.Subject", related_name="sessions", on_delete=models.CASCADE
    )
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True)
    lab = models.ForeignKey("misc.Lab", null=True, blank=True, on_delete=models.SET_NULL)
    projects = models.ManyToManyField("subjects.Project", blank=True)
    task_protocol = models.CharField(max_length=1023, blank=True, default="")
    number = models.IntegerField(null=True, blank=True, help_text="Session number of the day")
    start_time = models.DateTimeField(null=True, blank=True)
    end_time = models.DateTimeField(null=True, blank=True)
    qc = models.IntegerField(default=0, choices=QC_CHOICES)
    extended_qc = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ("-start_time", "id")

    def __str__(self):
        return f"{self.subject} {self.start_time} #{self.number}"

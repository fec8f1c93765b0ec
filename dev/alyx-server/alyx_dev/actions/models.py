"""Experimental sessions."""

from django.conf import settings
from django.db import models

from alyx_dev.base import BaseModel, JsonbField


class ProcedureType(BaseModel):
    """What was done in a session ("Behavior training/tasks", "Ephys recording"...)."""

    name = models.CharField(max_length=255, unique=True)

    def __str__(self):
        return self.name


class Session(BaseModel):
    """Alyx's Session with the fields its API shows (BaseAction's and Session's own)."""

    # Alyx stores the QC outcome as an integer and shows its name in the API.
    QC_CHOICES = [(0, "NOT_SET"), (10, "PASS"), (30, "WARNING"), (40, "FAIL"), (50, "CRITICAL")]

    subject = models.ForeignKey(
        "subjects.Subject", related_name="actions_sessions", on_delete=models.CASCADE
    )
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True)
    location = models.ForeignKey(
        "misc.LabLocation", null=True, blank=True, on_delete=models.SET_NULL
    )
    lab = models.ForeignKey("misc.Lab", null=True, blank=True, on_delete=models.SET_NULL)
    procedures = models.ManyToManyField(ProcedureType, blank=True)
    narrative = models.TextField(blank=True)
    start_time = models.DateTimeField(null=True, blank=True)
    end_time = models.DateTimeField(null=True, blank=True)
    parent_session = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL
    )
    projects = models.ManyToManyField("subjects.Project", blank=True)
    type = models.CharField(max_length=255, null=True, blank=True, help_text="e.g. Experiment")
    number = models.IntegerField(null=True, blank=True, help_text="Session number of the day")
    task_protocol = models.CharField(max_length=1023, blank=True, default="")
    n_trials = models.IntegerField(null=True, blank=True)
    n_correct_trials = models.IntegerField(null=True, blank=True)
    qc = models.IntegerField(default=0, choices=QC_CHOICES)
    extended_qc = JsonbField(null=True, blank=True)
    auto_datetime = models.DateTimeField(auto_now=True, null=True, blank=True)

    class Meta:
        ordering = ("-start_time", "id")

    def save(self, *args, **kwargs):
        # As Alyx: a session without a lab takes its subject's.
        if not self.lab_id:
            self.lab = self.subject.lab
        super().save(*args, **kwargs)

    def __str__(self):
        return f"{self.subject} {self.start_time} #{self.number}"

    @property
    def notes(self):
        """Every note about this session, as Alyx's Session.notes (matched on object_id only)."""
        from alyx_dev.misc.models import Note

        return Note.objects.filter(object_id=self.pk).select_related("user", "content_type")

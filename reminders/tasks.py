"""Celery tasks of reminders: the periodic sweep (scheduled by Celery beat, see CELERY_BEAT_SCHEDULE),
a thin wrapper around `reminders.sweep.reminders_sweep`."""

from celery import shared_task

from .sweep import reminders_sweep


@shared_task(name="reminders.sweep", ignore_result=False)  # its answer is read (how many went)
def reminders_sweep_task() -> dict:
    """Send the reminders due now, each at most once. Safe to run twice at the same moment, from two
    beat processes, or again after a worker died (acks_late): the Reminder rows make repeats no-ops.

    Not retried on error: the next sweep runs in five minutes and catches up with what is still useful."""
    return reminders_sweep().as_dict()

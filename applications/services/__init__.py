"""Writes for the joint application. Views, tasks and commands call these; they never write the
models themselves. Every save locks the application row, checks the version the user's page was
based on, writes, and records an event with what the section now holds.

- `starting`: start the one application of an organisation in a round, copy last year's lines;
- `sections`: the contact/cover letter and competence plan sections;
- `files`: attachments (checked by content in `portal.uploads`);
- `lines`: competence measures and innovation projects;
- `submission`: submit (or send again), withdraw, reopen — through `applications.workflow`;
- `handover`: the editor marks the application ready for signature.
"""

from .files import attachment_add, attachment_remove
from .handover import application_mark_ready_for_signature
from .lines import line_remove, measure_save, project_save
from .sections import application_details_save, application_plan_save
from .starting import application_copy_previous, application_start
from .submission import application_reopen, application_submit, application_withdraw

__all__ = [
    "application_copy_previous", "application_details_save", "application_mark_ready_for_signature",
    "application_plan_save", "application_reopen",
    "application_start", "application_submit", "application_withdraw", "attachment_add", "attachment_remove",
    "line_remove", "measure_save", "project_save",
]

"""What the application side tells the layers above, without knowing them (receivers connect in
their AppConfig.ready(), with a dispatch_uid)."""

from django.dispatch import Signal

# Sent inside the transaction that saves a competence measure or an innovation project, after the
# municipality's values are set on `line` and before it is written: a receiver may adjust what it
# owns on the line (casework clears a proposed award above a lowered amount applied for).
# Arguments: application (locked), line, user.
line_changing = Signal()

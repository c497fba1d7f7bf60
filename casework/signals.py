"""What casework tells the layers above, without knowing them (receivers connect in their
AppConfig.ready(), with a dispatch_uid)."""

from django.dispatch import Signal

# Sent inside the transaction that approves a decision, after its status and the application's are
# written: a receiver's writes commit or roll back with the approval (reporting creates the report).
# Arguments: decision (locked, with its application), user.
decision_approved = Signal()

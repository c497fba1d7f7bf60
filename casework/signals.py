"""What casework tells the layers above, without knowing them (receivers connect in their
AppConfig.ready(), with a dispatch_uid)."""

from django.dispatch import Signal

# Sent inside the transaction that approves a decision, after its status and the application's are
# written: a receiver's writes commit or roll back with the approval (reporting creates the report).
# Arguments: decision (locked, with its application), user.
decision_approved = Signal()

# Sent inside the transaction that sends a decision (its letter goes to the municipality), after its
# status is written: a receiver queues its work with transaction.on_commit (the archive copy).
# Arguments: decision (locked, with its application), user.
decision_sent = Signal()

"""Reports on the use of funds and the reminder log (issue: reporting and reminders)."""

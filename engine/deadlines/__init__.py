"""Due moments, reminders, overdue marks, late penalties and the sweep."""

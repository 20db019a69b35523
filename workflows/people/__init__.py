"""Pages of employees and reviewers: home, inbox, an appraisal with its step form,
appeals, and notifications."""

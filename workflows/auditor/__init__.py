"""The auditor's pages: the trail with filters and its exports."""

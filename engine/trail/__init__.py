"""The auditor's trail: audit events per appraisal, appeal, person and cycle."""

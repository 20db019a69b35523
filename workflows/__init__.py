"""The pages people use, grouped by who uses them: `people` (employees and reviewers),
`hr` (HR's desk) and `auditor` (the trail). Thin: they call the engine's services."""

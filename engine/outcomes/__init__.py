"""Outcomes over a population and over time: when a cycle is final, each pack's
population rules run over its people and their earlier cycles, and every outcome line
(an amount or a flag, with the inputs that fired it) is stored on the person's result,
audited and exported with payroll."""

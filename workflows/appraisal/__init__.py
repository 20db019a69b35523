"""The appraisal chain's pages: the inbox, an appraisal with its breakdown, the step
form (submit, return), HR's push of an overdue step, and the notification list.

Routing itself is the engine's (`engine.appraisals.services`, with the viewflow FSMs
of `engine.appraisals.flow`); these views are thin and call those services.
"""

from django.apps import AppConfig


class AppraisalWorkflowConfig(AppConfig):
    name = "workflows.appraisal"
    label = "appraisal_workflow"
    verbose_name = "Appraisal workflow (pages)"

"""The JSON API: domain errors as JSON with the field and the rule, and the endpoints."""

"""Lets pages of the project catalogue show participant figures without the projects app
depending on the participants app (the dependency points one way: projects ← participants)."""

from django import template

from participants.selectors import project_year_counts

register = template.Library()


@register.inclusion_tag("participants/includes/project_year_counts.html")
def project_participation(project, years):
    return {"rows": project_year_counts(project_id=project.pk, years=list(years))}

class BreadcrumbsMixin:
    """Adds ``breadcrumbs`` — a list of (url, label), the last being the current page — to the
    context; the layout renders them after the fixed "Start" crumb."""

    def get_breadcrumbs(self) -> list[tuple[str, str]]:
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = self.get_breadcrumbs()
        return context


class UserFilterMixin:
    """Passes the user to the filter set, which hides choices that mean nothing to a gemeente
    user (their municipality is the only one they see anyway)."""

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["user"] = self.request.user
        return kwargs

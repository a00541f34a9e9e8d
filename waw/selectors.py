"""Reads that span the apps: the start page overview per role."""

from monitor.selectors import editions_for
from participants.selectors import trajectory_counts_for
from projects.selectors import project_counts
from waw.roles import Role, has_role


def home_overview(*, user) -> dict:
    """What the start page shows this user: only figures the user may see."""
    overview = {}
    if has_role(user, Role.COORDINATOR, Role.MUNICIPALITY, Role.BOARD):
        overview["projects"] = project_counts()
        overview["monitor"] = {
            "latest": editions_for(user=user).filter(published_at__isnull=False).first()
        }
    if has_role(user, Role.COORDINATOR, Role.MUNICIPALITY):
        overview["trajectories"] = trajectory_counts_for(user=user)
    return overview

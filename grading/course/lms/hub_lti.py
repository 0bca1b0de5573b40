"""JupyterHub login from the LMS: ltiauthenticator's LTI 1.3 launch, plus nbgrader's groups.

The launch itself (OIDC login initiation, id_token signature against the platform's JWKS,
``exp``, ``aud``/``azp``, state and nonce) is ``LTI13Authenticator``'s. This subclass adds
what a course needs: the hub name is the platform's ``sub`` claim by default (stable across
launches, unlike a display name or an e-mail address that a person can change), and the
user's roles *in this course* (the LTI membership roles, not institution roles) put them in
nbgrader's groups: ``nbgrader-<course>`` for learners, ``formgrade-<course>`` (and
``nbgrader-<course>``) for instructors and teaching assistants. A launch with neither role,
or from another LMS course than the one configured, is refused; so is an id_token presented a
second time (``LTI13Authenticator`` ties the nonce to a browser cookie only, so a launch
replayed together with its cookies would pass: this hub remembers each nonce until the
token's ``exp``).

Use in ``jupyterhub_config.py`` (see the deploy guide)::

    c.JupyterHub.authenticator_class = (
        "sourcewise.grading.course.lms.hub_lti.SourcewiseLTI13Authenticator")
    c.Authenticator.manage_groups = True
"""

from __future__ import annotations

import time
from typing import Any

from ltiauthenticator.lti13.auth import LTI13Authenticator
from tornado.web import HTTPError
from traitlets import Unicode

ROLES_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/roles"
CONTEXT_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/context"
MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
TEACHING = ("Instructor", "Administrator", "ContentDeveloper", "Mentor")
TEACHING_SUB = "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#"


def course_roles(roles: list[str]) -> set[str]:
    """``{"instructor"}``, ``{"learner"}`` or both, from the LTI roles claim (course roles only:
    an institution-wide "Instructor" who is a learner in this course is a student here)."""
    found: set[str] = set()
    for role in roles:
        name = role[len(MEMBERSHIP):] if role.startswith(MEMBERSHIP) else role
        if role.startswith(TEACHING_SUB) or name in TEACHING:  # TeachingAssistant is a sub-role
            found.add("instructor")
        elif name == "Learner":
            found.add("learner")
    return found


def course_groups(roles: list[str], course_id: str) -> list[str]:
    """The nbgrader groups of a user with these roles (empty: no role in the course)."""
    found = course_roles(roles)
    if "instructor" in found:
        return [f"formgrade-{course_id}", f"nbgrader-{course_id}"]
    if "learner" in found:
        return [f"nbgrader-{course_id}"]
    return []


class SourcewiseLTI13Authenticator(LTI13Authenticator):
    """LTI 1.3 launch that names the user by ``sub`` and puts them in nbgrader's groups."""

    username_key = Unicode("sub", config=True,
                           help="id_token claim that names the hub user (default: sub, the "
                                "platform's stable user id; it equals the LTI AGS userId)")
    course_id = Unicode("sourcewise", config=True, help="the nbgrader course id")
    context_id = Unicode("", config=True,
                         help="the LMS course (context claim id) allowed to launch; "
                              "empty: any context of the registered deployment")

    def _first_use(self, token: dict[str, Any]) -> bool:
        used = self.__dict__.setdefault("_used_nonces", {})
        now = time.time()
        for nonce in [n for n, until in used.items() if until < now]:
            del used[nonce]
        nonce = str(token.get("nonce", ""))
        if not nonce or nonce in used:
            return False
        used[nonce] = float(token.get("exp", now + 600))
        return True

    async def authenticate(self, handler: Any, data: dict[str, Any] | None = None
                           ) -> dict[str, Any]:
        token = data or {}
        if not self._first_use(token):
            raise HTTPError(403, "this LTI launch was used already (replayed nonce); start "
                                 "again from the LMS link")
        context = (token.get(CONTEXT_CLAIM) or {}).get("id", "")
        if self.context_id and context != self.context_id:
            raise HTTPError(403, f"this hub serves LMS course {self.context_id}, not {context}")
        groups = course_groups(list(token.get(ROLES_CLAIM) or []), self.course_id)
        if not groups:
            raise HTTPError(403, "the LMS gives you no learner or instructor role in this "
                                 "course; ask the instructor to enrol you")
        model = await super().authenticate(handler, data)
        model["groups"] = groups
        return model

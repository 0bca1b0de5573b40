"""The LTI tests' hub: tests/hub's real JupyterHub, logged into from a real LTI 1.3 platform.

Not a test module. The hub is ``hub_driver.Hub`` (system users, LocalProcessSpawner from the
students' environment, nbgrader's exchange) with ``SourcewiseLTI13Authenticator`` instead of
the shared password; the platform is ``platform_app`` (lti1p3platform). The instructor's
course is made as on a real hub (``submit_driver.make_course`` as the instructor's system
user), and the tool's signing key is made by ``sourcewise lms keygen`` as that user, in their
own folder, and registered with the platform. A ``requests`` session plays the browser of a
launch: the LMS link to the hub's login initiation, the redirect to the platform's
authorisation endpoint, and the platform's form (id_token and state) posted back to the hub.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "hub"))

from hub_driver import (
    COURSE_ID,
    INSTRUCTOR_ENV,
    Hub,
    home,
    lti13_login,
    make_people,
    remove_user,
    run_as,
    student_env,
)
from platform_app import (
    CLIENT_ID,
    CONTEXT_ID,
    DEPLOYMENT_ID,
    INSTRUCTOR,
    LEARNER,
    PlatformServer,
)
from submit_driver import make_course, write_as

TEACHER = "swlteacher"
STUDENTS = ["swlaalto", "swlbrook"]
GUEST = "swlguest"  # staff of the school, but no role in this course (no system user)
LESSON = "01-claims"


@dataclass
class LtiHub:
    hub: Hub
    platform: PlatformServer
    course: Path
    registration: Path  # the instructor's lti.json (mode 600, outside the course)
    base: Path

    @property
    def url(self) -> str:
        return self.hub.url

    @property
    def token(self) -> str:
        return self.hub.admin_token


def start_lti_hub() -> Iterator[LtiHub]:
    """Users, course, key, platform and hub; everything removed afterwards."""
    base = Path(tempfile.mkdtemp(prefix="sourcewise-lti-hub-"))
    base.chmod(0o755)
    hub = platform = None
    try:
        exchange = make_people(base, [TEACHER], STUDENTS, extras=["lti"])
        course = home(TEACHER) / COURSE_ID
        env = student_env(make_course(TEACHER, course, exchange, STUDENTS, [LESSON],
                                      grade_on_submit=False))
        key = home(TEACHER) / "lti" / "lti-key.pem"  # the instructor's own folder
        run_as(TEACHER, ["mkdir", "-m", "700", key.parent])
        run_as(TEACHER, [INSTRUCTOR_ENV / "bin" / "sourcewise", "lms", "keygen", key])
        jwks = json.loads(key.with_suffix(".jwks.json").read_text())
        hub = Hub(base, STUDENTS, [TEACHER], env, exchange)
        platform = PlatformServer(tool_jwks=jwks, hub_url=hub.url)
        platform.add_member(TEACHER, "Terry Teacher", INSTRUCTOR)
        platform.add_member(STUDENTS[0], "Aino Aalto", LEARNER)
        platform.add_member(STUDENTS[1], "Ben Brook", LEARNER)
        platform.add_member(GUEST, "Gus Guest", "http://purl.imsglobal.org/vocab/lis/v2/"
                            "institution/person#Instructor")
        registration = key.parent / "lti.json"
        write_as(TEACHER, registration, json.dumps({
            "issuer": platform.url, "client_id": CLIENT_ID, "deployment_id": DEPLOYMENT_ID,
            "token_url": f"{platform.url}/token", "lineitems_url": platform.lineitems_url,
            "private_key": "lti-key.pem", "feedback_url": f"{hub.url}/user/{{student}}/lab"}))
        run_as(TEACHER, ["chmod", "600", registration])
        hub.authenticator = lti13_login(platform.url, CLIENT_ID, CONTEXT_ID)
        hub.start()
        yield LtiHub(hub, platform, course, registration, base)
    finally:
        if hub is not None:
            hub.stop()
        if platform is not None:
            platform.stop()
        for user in (TEACHER, *STUDENTS):
            remove_user(user)
        shutil.rmtree(base, ignore_errors=True)


def launch(lti: LtiHub, sub: str, *, fault: str = ""):
    """Click the LMS link as ``sub``: returns (session, hub's answer to the form post, form)."""
    import requests

    browser = requests.Session()
    platform = lti.platform
    platform.launch_fault = fault
    try:
        to_platform = browser.get(platform.login_url(sub), allow_redirects=False, timeout=10)
        assert to_platform.status_code == 302, to_platform.text
        page = browser.get(to_platform.headers["Location"], timeout=10)
        assert page.status_code == 200, page.text
    finally:
        platform.launch_fault = ""
    action = re.search(r'action="([^"]+)"', page.text).group(1)
    form = dict(re.findall(r'name="(\w+)" value="([^"]*)"', page.text))
    cookies = dict(browser.cookies)  # the state and nonce cookies, before the hub clears them
    answer = browser.post(action, data=form, allow_redirects=False, timeout=20)
    return browser, answer, (action, form, cookies)


def hub_user(lti: LtiHub, name: str) -> dict | None:
    import requests

    answer = requests.get(f"{lti.url}/hub/api/users/{name}", timeout=10,
                          headers={"Authorization": f"token {lti.token}"})
    return answer.json() if answer.status_code == 200 else None

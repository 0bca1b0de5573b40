"""The tool's LTI 1.3 registration and signing key: files the instructor owns, outside the course.

The registration (``lti.json``) says who the platform is (issuer, client id, deployment id,
token and line-items URLs) and where the private key is. Both must sit outside the course
folder (students' servers may reach parts of it) and be readable by their owner only: a key
that a student could read lets them post any grade as the tool, so a looser file is refused.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from sourcewise.grading.atomic_write import write_bytes_atomic, write_json_atomic
from sourcewise.grading.course.course_errors import CourseError

REQUIRED = ("issuer", "client_id", "deployment_id", "token_url", "lineitems_url",
            "private_key")


@dataclass(frozen=True)
class LtiRegistration:
    """How the tool reaches one course context of one platform."""

    issuer: str
    client_id: str
    deployment_id: str
    token_url: str
    lineitems_url: str  # the AGS line-items container of the course (from the launch claim)
    private_key: str  # PEM text
    key_id: str
    feedback_url: str  # template with {student} and {lesson}; "" for the hub's Assignments tab


def default_path() -> Path:
    """``$XDG_CONFIG_HOME/sourcewise/lti.json`` (``~/.config/…``): the instructor's own folder."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "sourcewise" / "lti.json"


def _check_private(path: Path, course: Path | None, what: str) -> None:
    resolved = path.resolve()
    if course is not None and resolved.is_relative_to(Path(course).resolve()):
        raise CourseError(f"the LTI {what} {path} is inside the course folder; move it to "
                          f"the instructor's own folder (e.g. {default_path().parent})")
    mode = stat.S_IMODE(resolved.stat().st_mode)
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise CourseError(f"the LTI {what} {path} can be read by others (mode {mode:o}); "
                          f"run: chmod 600 {path}")


def load_registration(path: Path | None = None, *, course: Path | None = None
                      ) -> LtiRegistration:
    """The registration in ``path`` (default :func:`default_path`), checked as above."""
    path = Path(path) if path is not None else default_path()
    if not path.is_file():
        raise CourseError(f"there is no LTI registration at {path}: write it as the deploy "
                          "guide shows (sourcewise lms keygen makes the key)")
    _check_private(path, course, "registration")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as err:
        raise CourseError(f"{path} is not valid JSON: {err}") from None
    missing = [k for k in REQUIRED if not isinstance(data.get(k), str) or not data[k]]
    if missing:
        raise CourseError(f"{path} lacks {', '.join(missing)}")
    key_path = Path(data["private_key"]).expanduser()
    if not key_path.is_absolute():
        key_path = path.parent / key_path
    if not key_path.is_file():
        raise CourseError(f"the private key {key_path} named in {path} does not exist")
    _check_private(key_path, course, "private key")
    pem = key_path.read_text(encoding="ascii")
    return LtiRegistration(data["issuer"], data["client_id"], data["deployment_id"],
                           data["token_url"], data["lineitems_url"], pem,
                           data.get("key_id") or public_jwk(pem)["kid"],
                           data.get("feedback_url", ""))


def public_jwk(private_pem: str) -> dict[str, str]:
    """The public half of the key as a JWK (what the platform registers), with a stable kid."""
    import base64
    import hashlib

    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(private_pem.encode("ascii"), password=None)
    numbers = key.public_key().public_numbers()  # type: ignore[union-attr]

    def b64(value: int) -> str:
        raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")

    jwk = {"kty": "RSA", "alg": "RS256", "use": "sig", "e": b64(numbers.e), "n": b64(numbers.n)}
    # RFC 7638 thumbprint: the same key always gets the same kid.
    canonical = json.dumps({k: jwk[k] for k in ("e", "kty", "n")}, separators=(",", ":"))
    jwk["kid"] = base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()
                                          ).rstrip(b"=").decode("ascii")
    return jwk


def generate_key(path: Path) -> dict[str, str]:
    """Write a new RSA key to ``path`` (mode 0600; an existing key is never replaced), its
    public half beside it as ``<name>.jwks.json`` (Canvas: "Public JWK") and ``<name>.pub.pem``
    (Moodle: "RSA key"), and return the public JWK."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    path = Path(path)
    if path.exists():
        raise CourseError(f"{path} exists already; a key is never overwritten (move it first)")
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
        handle.flush()
        os.fsync(handle.fileno())
    jwk = public_jwk(pem.decode("ascii"))
    write_json_atomic(path.with_suffix(".jwks.json"), {"keys": [jwk]})
    write_bytes_atomic(path.with_suffix(".pub.pem"), key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    return jwk


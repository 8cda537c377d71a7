"""Passwords, session tokens and CSRF tokens: pure functions, no HTTP and no database."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

PASSWORD_MIN = 8
PASSWORD_MAX = 128  # characters; Argon2 hashes all of them (no bcrypt-style truncation)
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]{2,31}$")

# The most common passwords of 8+ characters in public breach lists. Short on purpose: it
# stops the guesses an attacker tries first without frustrating anyone.
COMMON_PASSWORDS = frozenset(
    """
    12345678 123456789 1234567890 12345678910 0123456789 87654321 11111111 00000000 88888888
    12341234 11223344 password password1 password12 password123 passw0rd p@ssw0rd p@ssword
    qwertyuiop qwerty123 qwerty12 1q2w3e4r 1q2w3e4r5t 1qaz2wsx zaq12wsx qazwsxedc asdfghjkl
    asdf1234 abcd1234 abc12345 abcdefgh iloveyou iloveyou1 sunshine princess football
    football1 baseball welcome1 welcome123 superman starwars trustno1 whatever dragon123
    letmein1 letmein123 computer internet corvette mercedes michelle jennifer jordan23
    liverpool chocolate butterfly q1w2e3r4 q1w2e3r4t5 aa123456 a1234567 admin123 changeme
    administrator iloveyou123 qwertyui 123qweasd 1234qwer 987654321 123123123 1111111111
    """.split()
)

HASHERS = {
    "standard": PasswordHash((Argon2Hasher(),)),  # Argon2id, argon2-cffi's recommended cost
    # Test suites only (Settings.password_hash_cost; production refuses it): still Argon2id,
    # at the lowest cost, as Django's test settings swap in a fast hasher.
    "test": PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),)),
}
_hasher = HASHERS["standard"]


def use_hash_cost(cost: str) -> None:
    """Hash new passwords at `cost` in this process ("standard" or "test"). Every hash names
    its own parameters, so passwords hashed at either cost verify under both."""
    global _hasher
    _hasher = HASHERS[cost]


class WeakPassword(ValueError):
    """The password breaks the policy; str() is a sentence to show the user."""


def check_username(username: str) -> str:
    """Return the username normalized (lowercase, trimmed); raise ValueError when invalid."""
    name = username.strip().lower()
    if not USERNAME_PATTERN.fullmatch(name):
        raise ValueError(
            "Usernames are 3 to 32 characters: letters, digits, '.', '-' or '_', "
            "starting with a letter or digit."
        )
    return name


def check_password(password: str, username: str = "") -> None:
    """Raise WeakPassword when `password` may not be used."""
    if len(password) < PASSWORD_MIN:
        raise WeakPassword(f"Passwords need at least {PASSWORD_MIN} characters.")
    if len(password) > PASSWORD_MAX:
        raise WeakPassword(f"Passwords may have at most {PASSWORD_MAX} characters.")
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or (username and lowered == username.lower()):
        raise WeakPassword("That password is too easy to guess; choose another.")


def hash_password(password: str) -> str:
    """Return the Argon2id hash of `password` in PHC string format."""
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    """Return True when `password` matches `password_hash`."""
    return _hasher.verify(password, password_hash)


# A valid hash of a random password: verified against when the account does not exist, so a
# wrong username costs the same time as a wrong password and reveals nothing.
_DUMMY_HASH: str | None = None


def burn_verify_time(password: str) -> None:
    """Spend as long as a real password check, for accounts that do not exist."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password(secrets.token_urlsafe(16))
    _hasher.verify(password, _DUMMY_HASH)


def new_session_token() -> str:
    """Return a fresh random session token (256 bits) for a cookie."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """Return the SHA-256 hex digest under which a session token is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_token_for(binding: str, secret: str) -> str:
    """Return the CSRF token of `binding` (a login session or a pre-session id): an HMAC
    under the app's secret key, so only this server can make one, and a token made for one
    session is worth nothing in another."""
    mac = hmac.new(secret.encode(), b"csrf\0" + binding.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:24]).decode()


DEVICE_MARKS = 5  # accounts a shared computer remembers (a lab machine, a family laptop)


def device_mark(username: str, password_hash: str, secret: str) -> str:
    """Return the mark of a browser that logged into `username`: `username:MAC`. The MAC
    covers the password hash, so changing the password voids every mark."""
    message = f"device\0{username}\0{password_hash}".encode()
    mac = hmac.new(secret.encode(), message, hashlib.sha256).digest()[:18]
    return f"{username}:{base64.urlsafe_b64encode(mac).decode()}"


def marks_with(cookie: str, mark: str) -> str:
    """Return the known-device cookie value with `mark` added (newest first, a few kept)."""
    name = mark.partition(":")[0]
    kept = [m for m in cookie.split("~") if m and m.partition(":")[0] != name]
    return "~".join([mark, *kept][:DEVICE_MARKS])


def marked(cookie: str, mark: str) -> bool:
    """Return True when the known-device cookie holds `mark`."""
    return any(hmac.compare_digest(m.encode(), mark.encode()) for m in cookie.split("~")[:9])

"""The application's password and code hashes, made in a process of its own: the suite's conftest switches
to Argon2's cheapest parameters for speed, so these are checked where nothing has switched them."""

import subprocess
import sys

from argon2 import extract_parameters, profiles

from marketplace.security import verify_password

MADE_BY_THE_APPLICATION = """
from marketplace.security import hash_code, hash_password
print(hash_password("Mật khẩu dài của Viện Công nghệ sinh học"))
print(hash_code("ABCD-EFGH-JKLM"))
"""


def hashes_made_by_the_application() -> list[str]:
    done = subprocess.run([sys.executable, "-c", MADE_BY_THE_APPLICATION], capture_output=True, text=True, check=True)
    return done.stdout.split()


def test_passwords_are_hashed_with_rfc_9106s_low_memory_argon2id_profile():
    password_hash, _ = hashes_made_by_the_application()
    made = extract_parameters(password_hash)
    expected = profiles.RFC_9106_LOW_MEMORY
    assert (made.type, made.memory_cost, made.time_cost, made.parallelism) == (
        expected.type,
        65536,
        3,
        4,
    )


def test_recovery_codes_are_hashed_with_owasps_minimum_argon2id_parameters():
    _, code_hash = hashes_made_by_the_application()
    made = extract_parameters(code_hash)
    assert (made.type, made.memory_cost, made.time_cost, made.parallelism) == (profiles.CHEAPEST.type, 19456, 2, 1)


def test_a_password_hashed_with_the_applications_parameters_still_verifies_in_the_suite():
    password_hash, _ = hashes_made_by_the_application()
    assert verify_password(password_hash, "Mật khẩu dài của Viện Công nghệ sinh học")
    assert not verify_password(password_hash, "Mat khau dai cua Vien Cong nghe sinh hoc")

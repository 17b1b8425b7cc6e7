"""The password policy (passordregler): long, not the username, not a password everyone tries first.

Length matters most (NSM's and NIST's advice): at least 12 characters, no rules about
digits or symbols. A short list of the passwords tried first in every guessing
attack, Norwegian ones among them, is refused outright; so is the demo data's shared
password, which exists only so the demo can be tried. Standard library only.
"""

from __future__ import annotations

MIN_LENGTH = 12
MAX_LENGTH = 1000

COMMON = frozenset("""
123456789012 1234567890123 123456789abc 12345678910 111111111111 000000000000 123123123123
passwordpassword password1234 password12345 password123! passord12345 passord1234! passordpassord
qwertyuiopas qwerty123456 qwertyuiop12 asdfghjklæøå asdfghjkl123 zxcvbnm12345 abcdefghijkl abc123abc123
iloveyou1234 welcome12345 letmein12345 admin1234567 administrator adminadmin12 rootroot1234
sommer2024!! sommer2025!! sommer2026!! vinter2024!! vinter2025!! vinter2026!! høst2025høst
trondheim123 trondheim2026 rosenborg123 rosenborg1917 norge1814norge norge123456 oslooslo1234
hemmelig1234 hemmeligpassord velkommen123 velkommen1234 jegelskerdeg passordetmitt
demo-passord boligtildeling bolig1234567 kommune12345 kommunen1234
""".split())


def problems(password: str | None, username: str | None = None) -> list[str]:
    """What is wrong with `password` (bokmål, for the field); empty when it may be used."""
    password = password or ""
    out = []
    if len(password) < MIN_LENGTH:
        out.append(f"passordet må ha minst {MIN_LENGTH} tegn")
    elif len(password) > MAX_LENGTH:
        out.append(f"passordet kan ha høyst {MAX_LENGTH} tegn")
    folded = password.casefold()
    if username and folded == username.casefold():
        out.append("passordet kan ikke være det samme som brukernavnet")
    elif folded in COMMON or len(set(folded)) <= 2:
        out.append("passordet er for vanlig eller for lett å gjette; velg en lengre setning du husker")
    return out

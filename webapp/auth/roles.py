"""Who signs in: job-seekers, Hello Work staff and employers, each through their own door.

Job-seekers are `job_seekers` rows; staff and employer users are `members` rows. The same
sign-in machinery (password, mailed code, throttling, sessions, audit) serves all three;
`Account` says which table an id belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass

SEEKER, STAFF, EMPLOYER = "seeker", "staff", "employer"


@dataclass(frozen=True)
class Portal:
    """A sign-in door: its login page, the home it leads to, and what it is called."""

    role: str
    login_path: str
    home: str
    title: str


PORTALS = {
    SEEKER: Portal(SEEKER, "/login", "/mypage", "求職者マイページ"),
    STAFF: Portal(STAFF, "/staff/login", "/staff", "ハローワーク職員用ページ"),
    EMPLOYER: Portal(EMPLOYER, "/employer/login", "/employer", "求人者マイページ"),
}


@dataclass(frozen=True)
class Account:
    role: str
    id: int

    @property
    def columns(self) -> dict[str, int]:
        """The foreign key this account takes in sessions, keys and the audit log."""
        return {"seeker_id": self.id} if self.role == SEEKER else {"member_id": self.id}

"""What each kind of job-seeker may do, in one place.

A 利用登録者 registered (or was confirmed) at a Hello Work counter. An オンライン登録者
applied on the web (求職申込み online, since September 2021 in the real service) and has
not yet been seen at a counter: they may search, save, apply by オンライン自主応募,
publish their profile and receive direct requests, but Hello Work's referrals (紹介状,
紹介を希望) and its recommendations (求人情報の提供) wait for a counter visit that
confirms who they are. A person still filling in the 求職申込書 is "applying": every
My Page page sends them back to it.

Every page and service that offers referrals or recommendations asks here; none keeps a
rule of its own. The module depends on nothing so every area may import it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

COUNTER = "counter"  # 利用登録者
ONLINE = "online"  # オンライン登録者
APPLYING = "applying"  # job_seekers.status while the 求職申込書 is being filled in

KIND_LABELS = {COUNTER: "利用登録者", ONLINE: "オンライン登録者"}

# What a counter visit asks for: 本人確認書類 (as the real service lists them).
IDENTITY_DOCUMENTS = (
    "本人確認書類（運転免許証、マイナンバーカード、パスポート、在留カードなど）",
    "求職番号がわかるもの（このページの控えや、登録完了のメール）",
)
# What the visit adds, said where a referral would otherwise be offered.
COUNTER_VISIT_ADDS = (
    "ハローワークからの職業紹介（紹介状の発行）",
    "マイページからの「紹介を希望する」",
    "ハローワークからの求人情報の提供（おすすめの求人）",
)


@dataclass(frozen=True)
class Capabilities:
    search: bool = True
    save: bool = True  # 条件保存・お気に入り
    apply_online: bool = True  # オンライン自主応募
    publish: bool = True  # 求職公開
    direct_requests: bool = True  # 求人者からの直接リクエスト
    referrals: bool = False  # 紹介状, 紹介を希望
    recommendations: bool = False  # 求人情報の提供


_BY_KIND = {
    COUNTER: Capabilities(referrals=True, recommendations=True),
    ONLINE: Capabilities(),
}


def of_kind(kind: str | None) -> Capabilities:
    """What a job-seeker of this registration kind may do (unknown: the least)."""
    return _BY_KIND.get(kind or "", _BY_KIND[ONLINE])


def of(seeker: Any) -> Capabilities:
    """What this job-seeker row (or the signed-in user) may do."""
    if seeker is None:
        return Capabilities(apply_online=False, publish=False, direct_requests=False)
    if seeker["status"] == APPLYING:
        return Capabilities(
            search=True, save=False, apply_online=False, publish=False, direct_requests=False
        )
    return of_kind(seeker["registration_kind"])


def may_be_referred(kind: str | None) -> bool:
    return of_kind(kind).referrals


# For SQL: the registration kinds that receive Hello Work's recommendations.
RECOMMENDED_KINDS = tuple(kind for kind, caps in _BY_KIND.items() if caps.recommendations)
REFERRED_KINDS = tuple(kind for kind, caps in _BY_KIND.items() if caps.referrals)

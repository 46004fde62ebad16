"""Roles (角色) and what each may see and do: the one place of the access rules.

INTERFACE.md "Access, roles and review" fixes five roles; the notice (section 七)
asks that 初审 and 复核 be mutually exclusive and the 三员 (系统管理员, 审计员,
业务人员) be kept apart. Every check of the product (dashboard pages, the data
layer, the case service, the CLI import) asks a :class:`Principal` here; nothing
else decides.
"""

from __future__ import annotations

from dataclasses import dataclass

from pension_risk.errors import PensionRiskError


class AccessDenied(PensionRiskError):
    """The account may not do this (names the account, its role and what was refused)."""


@dataclass(frozen=True)
class Role:
    code: str
    label: str  # 中文
    #: may receive unmasked personal data (id numbers, names, phones, accounts) of its scope
    sees_personal_data: bool = False
    #: may see rollups, rule lists, clusters, quality summary, freshness
    sees_reports: bool = False
    #: may see the cases (worklist, case page, checklist) of its scope
    sees_cases: bool = False
    #: may record and change 核查结论 etc. (初审) and checklist answers
    records: bool = False
    #: may review (复核) conclusions of its scope
    reviews: bool = False
    #: may manage accounts
    manages_accounts: bool = False
    #: may read the audit log
    reads_audit_log: bool = False
    #: an agency scope is required (True), optional (None) or not allowed (False)
    agency_scope: bool | None = None


ROLES: dict[str, Role] = {
    "leader": Role("leader", "领导", sees_reports=True, agency_scope=None),
    "verifier": Role("verifier", "核查员", sees_personal_data=True, sees_cases=True, records=True,
                     agency_scope=True),
    "reviewer": Role("reviewer", "复核员", sees_personal_data=True, sees_cases=True, reviews=True,
                     agency_scope=None),
    "admin": Role("admin", "系统管理员", manages_accounts=True, agency_scope=False),
    "auditor": Role("auditor", "审计员", reads_audit_log=True, agency_scope=False),
}


def role(code: str) -> Role:
    try:
        return ROLES[code]
    except KeyError:
        raise PensionRiskError(f"unknown role {code!r} (one of {', '.join(ROLES)})") from None


@dataclass(frozen=True)
class Principal:
    """Who is acting: a logged-in account (dashboard) or an authenticated CLI user."""

    login: str
    name: str
    role_code: str
    agency_code: str | None = None  # None: city level (全市)

    @property
    def role(self) -> Role:
        return role(self.role_code)

    @property
    def scope_label(self) -> str:
        return self.agency_code or "全市"

    def in_scope(self, county_code: str | None) -> bool:
        """Whether a case / row of this county is within the account's agency scope."""
        return self.agency_code is None or county_code == self.agency_code

    def require(self, capability: str, what: str) -> None:
        if not getattr(self.role, capability):
            raise AccessDenied(f"账号 {self.login}（{self.role.label}）无权{what}")

    def require_scope(self, county_code: str | None, what: str) -> None:
        if not self.in_scope(county_code):
            raise AccessDenied(
                f"账号 {self.login}（{self.role.label}，{self.scope_label}）无权{what}：案件属于 {county_code or '未知县区'}"
            )


#: Dashboard pages (by file stem) each role may open, in the order of the sidebar.
PAGES_BY_CAPABILITY: dict[str, tuple[str, ...]] = {
    "sees_reports": ("overview", "county", "rules", "outcomes", "clusters", "quality", "freshness"),
    "sees_cases": ("cases_worklist", "cases_case", "cases_checklist", "freshness"),
    "manages_accounts": ("accounts",),
    "reads_audit_log": ("audit",),
    "reviews": ("outcomes",),  # 核查成效: which rules' findings prove true (a reviewer's scope)
}


def pages_for(principal: Principal) -> list[str]:
    pages: list[str] = []
    for capability, stems in PAGES_BY_CAPABILITY.items():
        if getattr(principal.role, capability):
            pages.extend(s for s in stems if s not in pages)
    return pages

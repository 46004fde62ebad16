"""The raw extract contract (shared/contract/EXTRACTS.md) as data.

One place that lists the 16 files of a batch: their columns in order, whether they
are snapshots or increments, and their keys. Ingestion, the Great Expectations
suites and the generator all read it from here.
"""

from __future__ import annotations

from dataclasses import dataclass

AGENCY_CODES: tuple[str, ...] = (
    "340400", "340402", "340403", "340404", "340405", "340406", "340421", "340422",
)
AGENCY_NAMES: dict[str, str] = {
    "340400": "淮南市本级",
    "340402": "大通区",
    "340403": "田家庵区",
    "340404": "谢家集区",
    "340405": "八公山区",
    "340406": "潘集区",
    "340421": "凤台县",
    "340422": "寿县",
}
SCHEMES: dict[str, str] = {"110": "企业职工基本养老保险", "120": "机关事业单位工作人员养老保险", "170": "城乡居民基本养老保险"}


@dataclass(frozen=True)
class FileSpec:
    """One raw file of a batch (批次文件)."""

    name: str                 # file name in the batch folder
    kind: str                 # "snapshot" | "increment"
    columns: tuple[str, ...]  # contract column names, in order (English, as stored in raw)
    key: tuple[str, ...]      # key columns (bold in EXTRACTS.md)
    headers: tuple[str, ...] | None = None  # xlsx: the Chinese header row, in order

    @property
    def stem(self) -> str:
        return self.name.rsplit(".", 1)[0]

    @property
    def is_xlsx(self) -> bool:
        return self.name.endswith(".xlsx")


FILES: tuple[FileSpec, ...] = (
    FileSpec("regions.csv", "snapshot", ("code", "name", "level", "parent_code"), ("code",)),
    FileSpec(
        "persons.csv", "snapshot",
        ("person_id", "id_number", "name", "gender", "birth_date", "county_code", "town_code",
         "village_code", "phone", "enrolled_on"),
        ("person_id",),
    ),
    FileSpec(
        "benefits.csv", "snapshot",
        ("benefit_id", "person_id", "scheme_code", "start_month", "monthly_amount", "determination",
         "determined_by", "reviewed_by", "determined_at", "status", "status_reason", "status_since",
         "account_no"),
        ("benefit_id",),
    ),
    FileSpec(
        "bank_accounts.csv", "snapshot",
        ("account_no", "bank_code", "holder_name", "holder_id_number", "opened_on"),
        ("account_no",),
    ),
    FileSpec(
        "payouts.csv", "increment",
        ("payout_id", "benefit_id", "person_id", "period_from", "period_to", "pay_month", "payout_type",
         "amount", "account_no", "bank_code", "channel", "batch_id", "pay_status", "created_by",
         "reviewed_by", "paid_on"),
        ("payout_id",),
    ),
    FileSpec(
        "status_changes.csv", "increment",
        ("change_id", "benefit_id", "person_id", "from_status", "to_status", "reason_code", "operator_id",
         "reviewer_id", "operated_at", "batch_id"),
        ("change_id",),
    ),
    FileSpec(
        "operations.csv", "increment",
        ("log_id", "user_id", "op_code", "person_id", "target_id", "batch_id", "operated_at",
         "reviewer_id", "client_ip"),
        ("log_id",),
    ),
    FileSpec(
        "deaths.csv", "increment",
        ("death_id", "id_number", "name", "death_date", "source", "received_on"),
        ("death_id",),
    ),
    FileSpec(
        "incarcerations.csv", "increment",
        ("record_id", "id_number", "name", "sentence_type", "start_date", "end_date"),
        ("record_id",),
    ),
    FileSpec(
        "certifications.csv", "increment",
        ("cert_id", "person_id", "certified_on", "method", "result", "operator_id", "reviewer_id"),
        ("cert_id",),
    ),
    FileSpec(
        "cards.csv", "snapshot",
        ("card_no", "person_id", "made_on", "arrived_on", "distributed_on", "status", "activated_on",
         "activation_mode"),
        ("card_no",),
    ),
    FileSpec(
        "users.csv", "snapshot",
        ("user_id", "name", "id_number", "org_county_code", "account_status", "created_on", "disabled_on",
         "login_method"),
        ("user_id",),
    ),
    FileSpec(
        "user_roles.csv", "snapshot",
        ("user_id", "role_code", "granted_on", "revoked_on"),
        ("user_id", "role_code", "granted_on"),
    ),
    FileSpec(
        "reconciliations.csv", "increment",
        ("recon_id", "county_code", "bank_account", "month", "book_balance", "bank_balance", "prepared_by",
         "reviewed_by"),
        ("recon_id",),
    ),
    FileSpec(
        "staff.xlsx", "snapshot",
        ("user_id", "name", "id_number", "agency_code", "post", "employment_status", "left_on"),
        ("user_id",),
        headers=("工号", "姓名", "身份证号", "所在单位", "岗位", "在岗状态", "离岗日期"),
    ),
    FileSpec(
        "suspects.xlsx", "increment",
        ("suspect_id", "issuer", "issued_on", "suspect_type", "id_number", "name", "county_code",
         "description"),
        ("suspect_id",),
        headers=("疑点编号", "下发单位", "下发日期", "疑点类型", "身份证号", "姓名", "县区代码", "疑点说明"),
    ),
)

FILES_BY_NAME: dict[str, FileSpec] = {f.name: f for f in FILES}
FILE_NAMES: tuple[str, ...] = tuple(f.name for f in FILES)

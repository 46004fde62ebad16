"""The raw extract contract (shared/contract/EXTRACTS.md) as data.

One place that lists the 16 files of a batch: their columns in order, whether they
are snapshots or increments, their keys and the code set of every coded column.
Ingestion, the quality gate and the generator read it from here; the dbt project reads
it from `dbt_project/macros/landing_contract.sql`, generated from this module
(`python -m pension_risk.contract --write-dbt`; tests/test_landing_contract.py fails when
the two disagree, or when a base model or the sources yml lists other columns).
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

#: the code sets of EXTRACTS.md, by name; FileSpec.codes maps a coded column to one of them
CODE_SETS: dict[str, tuple[str, ...]] = {
    "agency": AGENCY_CODES,
    "scheme": tuple(sorted(SCHEMES)),
    "bank": ("GS", "NH", "ZG", "JS", "YZ", "NS"),
    "region_level": ("county", "town", "village"),
    "gender": ("1", "2"),
    "determination": ("1", "2"),
    "benefit_status": ("1", "2", "4"),
    "status_reason": ("1201", "1202", "1203", "1299", "1401", "1406", "1407", "1499"),
    "change_reason": ("1201", "1202", "1203", "1299", "1401", "1406", "1407", "1499", "2101", "2102", "2199"),
    "payout_type": ("1", "2", "3"),
    "channel": ("1", "2"),
    "pay_status": ("1", "2", "3"),
    "op_code": ("LOGIN", "BENEFIT_DETERMINE", "STATUS_SUSPEND", "STATUS_TERMINATE", "STATUS_RESUME",
                "AMOUNT_ADJUST", "BACKPAY", "BANK_CHANGE", "PAYOUT_APPROVE", "CERT_CONFIRM", "ROLE_GRANT"),
    "death_source": ("1", "2", "3", "4"),
    "sentence_type": ("1", "2", "3", "4"),
    "cert_method": ("1", "2", "3", "4", "5"),
    "cert_result": ("0", "1"),
    "card_status": ("1", "2", "3", "4"),
    "activation_mode": ("1", "2", "3"),
    "account_status": ("0", "1"),
    "login_method": ("1", "2", "3"),
    "role": ("BEN_ENTRY", "BEN_REVIEW", "PAY", "CERT", "SYS_ADMIN", "SEC_ADMIN", "AUDIT_ADMIN",
             "FIN_ACCOUNTANT", "FIN_CASHIER", "INSPECT"),
    "employment_status": ("在岗", "离职", "调离", "退休"),
    "issuer": ("人社部", "省人社厅"),
    "suspect_type": ("死亡冒领", "服刑人员领取", "重复领取", "其他"),
}


@dataclass(frozen=True)
class FileSpec:
    """One raw file of a batch (批次文件)."""

    name: str                 # file name in the batch folder
    kind: str                 # "snapshot" | "increment"
    columns: tuple[str, ...]  # contract column names, in order (English, as stored in raw)
    key: tuple[str, ...]      # key columns (bold in EXTRACTS.md)
    headers: tuple[str, ...] | None = None  # xlsx: the Chinese header row, in order
    codes: tuple[tuple[str, str], ...] = ()  # (coded column, name of its set in CODE_SETS)

    @property
    def stem(self) -> str:
        return self.name.rsplit(".", 1)[0]

    @property
    def is_xlsx(self) -> bool:
        return self.name.endswith(".xlsx")


FILES: tuple[FileSpec, ...] = (
    FileSpec("regions.csv", "snapshot", ("code", "name", "level", "parent_code"), ("code",), codes=(("level", "region_level"),)),
    FileSpec(
        "persons.csv", "snapshot",
        ("person_id", "id_number", "name", "gender", "birth_date", "county_code", "town_code",
         "village_code", "phone", "enrolled_on"),
        ("person_id",),
        codes=(("gender", "gender"), ("county_code", "agency"),),
    ),
    FileSpec(
        "benefits.csv", "snapshot",
        ("benefit_id", "person_id", "scheme_code", "start_month", "monthly_amount", "determination",
         "determined_by", "reviewed_by", "determined_at", "status", "status_reason", "status_since",
         "account_no"),
        ("benefit_id",),
        codes=(("scheme_code", "scheme"), ("determination", "determination"), ("status", "benefit_status"), ("status_reason", "status_reason"),),
    ),
    FileSpec(
        "bank_accounts.csv", "snapshot",
        ("account_no", "bank_code", "holder_name", "holder_id_number", "opened_on"),
        ("account_no",),
        codes=(("bank_code", "bank"),),
    ),
    FileSpec(
        "payouts.csv", "increment",
        ("payout_id", "benefit_id", "person_id", "period_from", "period_to", "pay_month", "payout_type",
         "amount", "account_no", "bank_code", "channel", "batch_id", "pay_status", "created_by",
         "reviewed_by", "paid_on"),
        ("payout_id",),
        codes=(("payout_type", "payout_type"), ("bank_code", "bank"), ("channel", "channel"), ("pay_status", "pay_status"),),
    ),
    FileSpec(
        "status_changes.csv", "increment",
        ("change_id", "benefit_id", "person_id", "from_status", "to_status", "reason_code", "operator_id",
         "reviewer_id", "operated_at", "batch_id"),
        ("change_id",),
        codes=(("from_status", "benefit_status"), ("to_status", "benefit_status"), ("reason_code", "change_reason"),),
    ),
    FileSpec(
        "operations.csv", "increment",
        ("log_id", "user_id", "op_code", "person_id", "target_id", "batch_id", "operated_at",
         "reviewer_id", "client_ip"),
        ("log_id",),
        codes=(("op_code", "op_code"),),
    ),
    FileSpec(
        "deaths.csv", "increment",
        ("death_id", "id_number", "name", "death_date", "source", "received_on"),
        ("death_id",),
        codes=(("source", "death_source"),),
    ),
    FileSpec(
        "incarcerations.csv", "increment",
        ("record_id", "id_number", "name", "sentence_type", "start_date", "end_date"),
        ("record_id",),
        codes=(("sentence_type", "sentence_type"),),
    ),
    FileSpec(
        "certifications.csv", "increment",
        ("cert_id", "person_id", "certified_on", "method", "result", "operator_id", "reviewer_id"),
        ("cert_id",),
        codes=(("method", "cert_method"), ("result", "cert_result"),),
    ),
    FileSpec(
        "cards.csv", "snapshot",
        ("card_no", "person_id", "made_on", "arrived_on", "distributed_on", "status", "activated_on",
         "activation_mode"),
        ("card_no",),
        codes=(("status", "card_status"), ("activation_mode", "activation_mode"),),
    ),
    FileSpec(
        "users.csv", "snapshot",
        ("user_id", "name", "id_number", "org_county_code", "account_status", "created_on", "disabled_on",
         "login_method"),
        ("user_id",),
        codes=(("org_county_code", "agency"), ("account_status", "account_status"), ("login_method", "login_method"),),
    ),
    FileSpec(
        "user_roles.csv", "snapshot",
        ("user_id", "role_code", "granted_on", "revoked_on"),
        ("user_id", "role_code", "granted_on"),
        codes=(("role_code", "role"),),
    ),
    FileSpec(
        "reconciliations.csv", "increment",
        ("recon_id", "county_code", "bank_account", "month", "book_balance", "bank_balance", "prepared_by",
         "reviewed_by"),
        ("recon_id",),
        codes=(("county_code", "agency"),),
    ),
    FileSpec(
        "staff.xlsx", "snapshot",
        ("user_id", "name", "id_number", "agency_code", "post", "employment_status", "left_on"),
        ("user_id",),
        headers=("工号", "姓名", "身份证号", "所在单位", "岗位", "在岗状态", "离岗日期"),
        codes=(("agency_code", "agency"), ("employment_status", "employment_status"),),
    ),
    FileSpec(
        "suspects.xlsx", "increment",
        ("suspect_id", "issuer", "issued_on", "suspect_type", "id_number", "name", "county_code",
         "description"),
        ("suspect_id",),
        headers=("疑点编号", "下发单位", "下发日期", "疑点类型", "身份证号", "姓名", "县区代码", "疑点说明"),
        codes=(("issuer", "issuer"), ("suspect_type", "suspect_type"), ("county_code", "agency"),),
    ),
)

FILES_BY_NAME: dict[str, FileSpec] = {f.name: f for f in FILES}
FILE_NAMES: tuple[str, ...] = tuple(f.name for f in FILES)


def code_set(spec: FileSpec, column: str) -> tuple[str, ...]:
    """The values a coded column may take."""
    return CODE_SETS[dict(spec.codes)[column]]


def dbt_macro_text() -> str:
    """dbt_project/macros/landing_contract.sql: this module's files, columns, keys and code sets for dbt."""
    import json

    data = {
        f.stem: {"file": f.name, "kind": f.kind, "columns": list(f.columns), "key": list(f.key),
                 "codes": {col: list(CODE_SETS[name]) for col, name in f.codes}}
        for f in FILES
    }
    body = json.dumps(data, ensure_ascii=False, indent=4)
    return (
        "{# GENERATED from src/pension_risk/contract.py (python -m pension_risk.contract --write-dbt); do not edit.\n"
        "   The 16 raw files of a batch: kind, columns in order, key, code set of each coded column. #}\n"
        "{% macro landing_contract() -%}\n"
        "    {{ return(" + body.replace("\n", "\n    ") + ") }}\n"
        "{%- endmacro %}\n"
    )


DBT_MACRO = "dbt_project/macros/landing_contract.sql"


if __name__ == "__main__":
    import sys
    from pathlib import Path

    if sys.argv[1:] != ["--write-dbt"]:
        sys.exit("usage: python -m pension_risk.contract --write-dbt")
    target = Path(__file__).resolve().parents[2] / DBT_MACRO
    target.write_text(dbt_macro_text(), encoding="utf-8")
    print(f"wrote {target}")

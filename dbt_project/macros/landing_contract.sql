{# GENERATED from src/pension_risk/contract.py (python -m pension_risk.contract --write-dbt); do not edit.
   The 16 raw files of a batch: kind, columns in order, key, code set of each coded column. #}
{% macro landing_contract() -%}
    {{ return({
        "regions": {
            "file": "regions.csv",
            "kind": "snapshot",
            "columns": [
                "code",
                "name",
                "level",
                "parent_code"
            ],
            "key": [
                "code"
            ],
            "codes": {
                "level": [
                    "county",
                    "town",
                    "village"
                ]
            }
        },
        "persons": {
            "file": "persons.csv",
            "kind": "snapshot",
            "columns": [
                "person_id",
                "id_number",
                "name",
                "gender",
                "birth_date",
                "county_code",
                "town_code",
                "village_code",
                "phone",
                "enrolled_on"
            ],
            "key": [
                "person_id"
            ],
            "codes": {
                "gender": [
                    "1",
                    "2"
                ],
                "county_code": [
                    "340400",
                    "340402",
                    "340403",
                    "340404",
                    "340405",
                    "340406",
                    "340421",
                    "340422"
                ]
            }
        },
        "benefits": {
            "file": "benefits.csv",
            "kind": "snapshot",
            "columns": [
                "benefit_id",
                "person_id",
                "scheme_code",
                "start_month",
                "monthly_amount",
                "determination",
                "determined_by",
                "reviewed_by",
                "determined_at",
                "status",
                "status_reason",
                "status_since",
                "account_no"
            ],
            "key": [
                "benefit_id"
            ],
            "codes": {
                "scheme_code": [
                    "110",
                    "120",
                    "170"
                ],
                "determination": [
                    "1",
                    "2"
                ],
                "status": [
                    "1",
                    "2",
                    "4"
                ],
                "status_reason": [
                    "1201",
                    "1202",
                    "1203",
                    "1299",
                    "1401",
                    "1406",
                    "1407",
                    "1499"
                ]
            }
        },
        "bank_accounts": {
            "file": "bank_accounts.csv",
            "kind": "snapshot",
            "columns": [
                "account_no",
                "bank_code",
                "holder_name",
                "holder_id_number",
                "opened_on"
            ],
            "key": [
                "account_no"
            ],
            "codes": {
                "bank_code": [
                    "GS",
                    "NH",
                    "ZG",
                    "JS",
                    "YZ",
                    "NS"
                ]
            }
        },
        "payouts": {
            "file": "payouts.csv",
            "kind": "increment",
            "columns": [
                "payout_id",
                "benefit_id",
                "person_id",
                "period_from",
                "period_to",
                "pay_month",
                "payout_type",
                "amount",
                "account_no",
                "bank_code",
                "channel",
                "batch_id",
                "pay_status",
                "created_by",
                "reviewed_by",
                "paid_on"
            ],
            "key": [
                "payout_id"
            ],
            "codes": {
                "payout_type": [
                    "1",
                    "2",
                    "3"
                ],
                "bank_code": [
                    "GS",
                    "NH",
                    "ZG",
                    "JS",
                    "YZ",
                    "NS"
                ],
                "channel": [
                    "1",
                    "2"
                ],
                "pay_status": [
                    "1",
                    "2",
                    "3"
                ]
            }
        },
        "status_changes": {
            "file": "status_changes.csv",
            "kind": "increment",
            "columns": [
                "change_id",
                "benefit_id",
                "person_id",
                "from_status",
                "to_status",
                "reason_code",
                "operator_id",
                "reviewer_id",
                "operated_at",
                "batch_id"
            ],
            "key": [
                "change_id"
            ],
            "codes": {
                "from_status": [
                    "1",
                    "2",
                    "4"
                ],
                "to_status": [
                    "1",
                    "2",
                    "4"
                ],
                "reason_code": [
                    "1201",
                    "1202",
                    "1203",
                    "1299",
                    "1401",
                    "1406",
                    "1407",
                    "1499",
                    "2101",
                    "2102",
                    "2199"
                ]
            }
        },
        "operations": {
            "file": "operations.csv",
            "kind": "increment",
            "columns": [
                "log_id",
                "user_id",
                "op_code",
                "person_id",
                "target_id",
                "batch_id",
                "operated_at",
                "reviewer_id",
                "client_ip"
            ],
            "key": [
                "log_id"
            ],
            "codes": {
                "op_code": [
                    "LOGIN",
                    "BENEFIT_DETERMINE",
                    "STATUS_SUSPEND",
                    "STATUS_TERMINATE",
                    "STATUS_RESUME",
                    "AMOUNT_ADJUST",
                    "BACKPAY",
                    "BANK_CHANGE",
                    "PAYOUT_APPROVE",
                    "CERT_CONFIRM",
                    "ROLE_GRANT"
                ]
            }
        },
        "deaths": {
            "file": "deaths.csv",
            "kind": "increment",
            "columns": [
                "death_id",
                "id_number",
                "name",
                "death_date",
                "source",
                "received_on"
            ],
            "key": [
                "death_id"
            ],
            "codes": {
                "source": [
                    "1",
                    "2",
                    "3",
                    "4"
                ]
            }
        },
        "incarcerations": {
            "file": "incarcerations.csv",
            "kind": "increment",
            "columns": [
                "record_id",
                "id_number",
                "name",
                "sentence_type",
                "start_date",
                "end_date"
            ],
            "key": [
                "record_id"
            ],
            "codes": {
                "sentence_type": [
                    "1",
                    "2",
                    "3",
                    "4"
                ]
            }
        },
        "certifications": {
            "file": "certifications.csv",
            "kind": "increment",
            "columns": [
                "cert_id",
                "person_id",
                "certified_on",
                "method",
                "result",
                "operator_id",
                "reviewer_id"
            ],
            "key": [
                "cert_id"
            ],
            "codes": {
                "method": [
                    "1",
                    "2",
                    "3",
                    "4",
                    "5"
                ],
                "result": [
                    "0",
                    "1"
                ]
            }
        },
        "cards": {
            "file": "cards.csv",
            "kind": "snapshot",
            "columns": [
                "card_no",
                "person_id",
                "made_on",
                "arrived_on",
                "distributed_on",
                "status",
                "activated_on",
                "activation_mode"
            ],
            "key": [
                "card_no"
            ],
            "codes": {
                "status": [
                    "1",
                    "2",
                    "3",
                    "4"
                ],
                "activation_mode": [
                    "1",
                    "2",
                    "3"
                ]
            }
        },
        "users": {
            "file": "users.csv",
            "kind": "snapshot",
            "columns": [
                "user_id",
                "name",
                "id_number",
                "org_county_code",
                "account_status",
                "created_on",
                "disabled_on",
                "login_method"
            ],
            "key": [
                "user_id"
            ],
            "codes": {
                "org_county_code": [
                    "340400",
                    "340402",
                    "340403",
                    "340404",
                    "340405",
                    "340406",
                    "340421",
                    "340422"
                ],
                "account_status": [
                    "0",
                    "1"
                ],
                "login_method": [
                    "1",
                    "2",
                    "3"
                ]
            }
        },
        "user_roles": {
            "file": "user_roles.csv",
            "kind": "snapshot",
            "columns": [
                "user_id",
                "role_code",
                "granted_on",
                "revoked_on"
            ],
            "key": [
                "user_id",
                "role_code",
                "granted_on"
            ],
            "codes": {
                "role_code": [
                    "BEN_ENTRY",
                    "BEN_REVIEW",
                    "PAY",
                    "CERT",
                    "SYS_ADMIN",
                    "SEC_ADMIN",
                    "AUDIT_ADMIN",
                    "FIN_ACCOUNTANT",
                    "FIN_CASHIER",
                    "INSPECT"
                ]
            }
        },
        "reconciliations": {
            "file": "reconciliations.csv",
            "kind": "increment",
            "columns": [
                "recon_id",
                "county_code",
                "bank_account",
                "month",
                "book_balance",
                "bank_balance",
                "prepared_by",
                "reviewed_by"
            ],
            "key": [
                "recon_id"
            ],
            "codes": {
                "county_code": [
                    "340400",
                    "340402",
                    "340403",
                    "340404",
                    "340405",
                    "340406",
                    "340421",
                    "340422"
                ]
            }
        },
        "staff": {
            "file": "staff.xlsx",
            "kind": "snapshot",
            "columns": [
                "user_id",
                "name",
                "id_number",
                "agency_code",
                "post",
                "employment_status",
                "left_on"
            ],
            "key": [
                "user_id"
            ],
            "codes": {
                "agency_code": [
                    "340400",
                    "340402",
                    "340403",
                    "340404",
                    "340405",
                    "340406",
                    "340421",
                    "340422"
                ],
                "employment_status": [
                    "在岗",
                    "离职",
                    "调离",
                    "退休"
                ]
            }
        },
        "suspects": {
            "file": "suspects.xlsx",
            "kind": "increment",
            "columns": [
                "suspect_id",
                "issuer",
                "issued_on",
                "suspect_type",
                "id_number",
                "name",
                "county_code",
                "description"
            ],
            "key": [
                "suspect_id"
            ],
            "codes": {
                "issuer": [
                    "人社部",
                    "省人社厅"
                ],
                "suspect_type": [
                    "死亡冒领",
                    "服刑人员领取",
                    "重复领取",
                    "其他"
                ],
                "county_code": [
                    "340400",
                    "340402",
                    "340403",
                    "340404",
                    "340405",
                    "340406",
                    "340421",
                    "340422"
                ]
            }
        }
    }) }}
{%- endmacro %}

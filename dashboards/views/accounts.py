"""账号管理 (系统管理员): list, add and disable accounts. An administrator sees no case and no personal data."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import data
from pension_risk.access.accounts import MIN_PASSWORD_LENGTH, STATUS_LABELS
from pension_risk.access.roles import ROLES
from pension_risk.contract import AGENCY_NAMES
from pension_risk.errors import PensionRiskError

principal = data.require_page("accounts")

st.title("账号管理")
st.caption("实名账号：一人一号，按角色授权（领导、核查员、复核员、系统管理员、审计员）；人员离岗时停用账号（账号不删除，历史记录保留）。")

rows = data.accounts()
table = pd.DataFrame(rows, columns=["login", "name", "role", "agency_code", "status", "locked_until", "created_at",
                                    "disabled_at"])
table["role"] = table["role"].map(lambda r: ROLES[r].label if r in ROLES else r)
table["agency_code"] = table["agency_code"].map(lambda c: AGENCY_NAMES.get(c, c) if c else "全市")
table["status"] = table["status"].map(lambda s: STATUS_LABELS.get(s, s))
table = table.astype(object).where(table.notna(), "")
st.dataframe(table.rename(columns={"login": "账号", "name": "姓名", "role": "角色", "agency_code": "范围",
                                   "status": "状态", "locked_until": "锁定至", "created_at": "开设时间",
                                   "disabled_at": "停用时间"}), hide_index=True, width="stretch")

left, right = st.columns(2)
with left, st.form("account_add", clear_on_submit=True):
    st.markdown("**新增账号**")
    login = st.text_input("账号（字母、数字、. _ -）")
    name = st.text_input("姓名（实名）")
    role_code = st.selectbox("角色", list(ROLES), format_func=lambda r: ROLES[r].label)
    agency = st.selectbox("范围", [""] + list(AGENCY_NAMES), format_func=lambda c: AGENCY_NAMES.get(c, "全市"))
    password = st.text_input(f"初始密码（至少 {MIN_PASSWORD_LENGTH} 位）", type="password")
    if st.form_submit_button("新增"):
        try:
            made = data.add_account(login, name, role_code, agency or None, password)
        except PensionRiskError as exc:
            st.error(str(exc))
        else:
            st.success(f"已新增账号 {made.login}（{made.role.label}，{made.scope_label}）。")
with right, st.form("account_disable"):
    st.markdown("**停用账号**")
    active = [r["login"] for r in rows if r["status"] == "active" and r["login"] != principal.login]
    target = st.selectbox("账号", active, index=None, placeholder="请选择要停用的账号")
    if st.form_submit_button("停用") and target:
        try:
            data.disable_account(target)
        except PensionRiskError as exc:
            st.error(str(exc))
        else:
            st.success(f"已停用账号 {target}。")

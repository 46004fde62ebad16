"""审计日志 (审计员): every login, unmasked view, download, record, review and account change; searchable."""

from __future__ import annotations

import streamlit as st

from dashboards import data
from pension_risk.access.audit import ACTIONS

data.require_page("audit")

st.title("审计日志")
st.caption("只读、只增不改：系统不修改、不删除任何一条审计记录。时间为北京时间。")
c1, c2, c3 = st.columns(3)
since = c1.date_input("起始日期", value=None, format="YYYY-MM-DD", key="audit_since")
login = c2.text_input("账号", key="audit_login").strip()
action = c3.selectbox("操作", [""] + list(ACTIONS), format_func=lambda a: ACTIONS.get(a, "全部"), key="audit_action")

events = data.audit_events(since, login or None, action or None)
st.metric("记录数", f"{len(events):,d}")
events["action"] = events["action"].map(lambda a: ACTIONS.get(a, a))
events = events.astype(object).where(events.notna(), "")
st.dataframe(events.rename(columns={"at": "时间", "login": "账号", "role": "角色", "action": "操作", "target": "对象",
                                    "detail": "说明", "source": "来源"}), hide_index=True, width="stretch")

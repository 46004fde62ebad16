"""自查清单: the notice's items that data cannot answer, answered per agency (feeds 附件2)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import data  # noqa: E402
from pension_risk.cases import queries, service
from pension_risk.cases.store import CHECKLIST_ANSWERS, RECTIFICATION_STATUSES, CaseStore, CaseStoreError

data.ensure_navigation()

st.title("自查清单")
st.caption("通知所列、无法由数据筛查回答的检查事项，由各经办机构逐项自查填报（存在/不存在、说明、整改情况），汇入附件2。")
warehouse = queries.warehouse_path()
store = queries.store_path(warehouse)
agencies = queries.agencies(warehouse)
agency_names = dict(zip(agencies["agency_code"], agencies["agency_name"], strict=True))
items = queries.checklist_items(warehouse)

left, right = st.columns([2, 2])
agency = left.selectbox("经办机构", list(agency_names), format_func=lambda c: agency_names.get(c, c),
                        key="checklist_agency")
by = right.text_input("填报人（必填）", value=st.session_state.get("cases_recorder", ""), key="checklist_by")

answers = {a["item_code"]: a for a in CaseStore(store).checklist_answers(agency)}
answered = sum(1 for a in answers.values() if a["answer"])
present = sum(1 for a in answers.values() if a["answer"] == "存在")
m1, m2, m3 = st.columns(3)
m1.metric("检查事项", len(items))
m2.metric("已填报", answered)
m3.metric("存在问题", present)

table = items[["item_code", "section", "item_name"]].copy()
table["answer"] = table["item_code"].map(lambda c: (answers.get(c) or {}).get("answer"))
table["note"] = table["item_code"].map(lambda c: (answers.get(c) or {}).get("note"))
table["rectification_status"] = table["item_code"].map(lambda c: (answers.get(c) or {}).get("rectification_status"))
table["updated_by"] = table["item_code"].map(lambda c: (answers.get(c) or {}).get("updated_by"))
table["updated_at"] = table["item_code"].map(lambda c: (answers.get(c) or {}).get("updated_at"))

edited = st.data_editor(
    table, hide_index=True, width="stretch", key=f"checklist_editor_{agency}",
    disabled=["item_code", "section", "item_name", "updated_by", "updated_at"],
    column_config={
        "item_code": "编号", "section": "部分", "item_name": "检查事项",
        "answer": st.column_config.SelectboxColumn("是否存在", options=list(CHECKLIST_ANSWERS)),
        "note": st.column_config.TextColumn("说明"),
        "rectification_status": st.column_config.SelectboxColumn("整改状态", options=list(RECTIFICATION_STATUSES)),
        "updated_by": "填报人", "updated_at": "更新时间",
    },
)

if st.button("保存自查结果", type="primary"):
    if not by.strip():
        st.error("请填写填报人。")
    else:
        st.session_state["cases_recorder"] = by.strip()
        changed, errors = 0, []
        for row in edited.to_dict("records"):
            fields = {f: (None if pd.isna(row[f]) or row[f] == "" else row[f])
                      for f in ("answer", "note", "rectification_status")}
            before = answers.get(row["item_code"]) or {}
            if all(fields[f] == before.get(f) for f in fields):
                continue
            try:
                result = service.record_checklist(agency, row["item_code"], fields, by.strip(),
                                                  warehouse=warehouse, store=store,
                                                  expected_version=int(before.get("version") or 0))
                changed += int(result.changed)
            except CaseStoreError as exc:
                errors.append(f"{row['item_code']}：{exc}")
        for e in errors:
            st.error(e)
        if changed:
            st.success(f"已保存 {changed} 项。附件2 将在下次数据更新后反映。")
        elif not errors:
            st.info("没有需要保存的修改。")

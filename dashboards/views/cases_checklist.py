"""自查清单: the notice's items that data cannot answer, answered per agency (feeds 附件2)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import data
from pension_risk.access.roles import AccessDenied
from pension_risk.cases.store import CHECKLIST_ANSWERS, RECTIFICATION_STATUSES, CaseStoreError

principal = data.require_page("cases_checklist")

st.title("自查清单")
st.caption("通知所列、无法由数据筛查回答的检查事项，由各经办机构逐项自查填报（存在/不存在、说明、整改情况），汇入附件2。")
agencies = data.agencies()
agency_names = dict(zip(agencies["agency_code"], agencies["agency_name"], strict=True))
items = data.checklist_items()

left, right = st.columns([2, 2])
agency = left.selectbox("经办机构", list(agency_names), format_func=lambda c: agency_names.get(c, c),
                        key="checklist_agency", disabled=len(agency_names) == 1)
right.text_input("填报人", value=f"{principal.name}（{principal.login}）", disabled=True)

answers = data.checklist_answers(agency)
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

table = table.astype(object).where(table.notna(), None)
for column in ("note", "updated_by", "updated_at"):  # empty text cells show empty, not "None"
    table[column] = [v if v is not None else "" for v in table[column]]
editable = principal.role.records
edited = st.data_editor(
    table, hide_index=True, width="stretch", key=f"checklist_editor_{agency}",
    disabled=True if not editable else ["item_code", "section", "item_name", "updated_by", "updated_at"],
    column_config={
        "item_code": "编号", "section": "部分", "item_name": "检查事项",
        "answer": st.column_config.SelectboxColumn("是否存在", options=list(CHECKLIST_ANSWERS)),
        "note": st.column_config.TextColumn("说明"),
        "rectification_status": st.column_config.SelectboxColumn("整改状态", options=list(RECTIFICATION_STATUSES)),
        "updated_by": "填报人", "updated_at": "更新时间",
    },
)

if not editable:
    st.caption("复核员只读：自查清单由本县区核查员填报。")
elif st.button("保存自查结果", type="primary"):
    changed, errors = 0, []
    for row in edited.to_dict("records"):
        fields = {f: (None if pd.isna(row[f]) or row[f] == "" else row[f])
                  for f in ("answer", "note", "rectification_status")}
        before = answers.get(row["item_code"]) or {}
        if all(fields[f] == before.get(f) for f in fields):
            continue
        try:
            result = data.record_checklist(agency, row["item_code"], fields,
                                           expected_version=int(before.get("version") or 0))
            changed += int(result.changed)
        except (CaseStoreError, AccessDenied) as exc:
            errors.append(f"{row['item_code']}：{exc}")
    for e in errors:
        st.error(e)
    if changed:
        st.success(f"已保存 {changed} 项。附件2 将在下次数据更新后反映。")
    elif not errors:
        st.info("没有需要保存的修改。")

"""数据质量: rejected and reported rows of every batch."""

from __future__ import annotations

import streamlit as st

from dashboards import data

data.require_page("quality")

st.title("数据质量")
exceptions = data.data_quality_exceptions()
rejected = exceptions[~exceptions["staged"].astype(bool)]
reported = exceptions[exceptions["staged"].astype(bool)]
c1, c2, c3 = st.columns(3)
c1.metric("异常记录", f"{len(exceptions):,d}")
c2.metric("拒收（未入库）", f"{len(rejected):,d}")
c3.metric("提示（已入库）", f"{len(reported):,d}")

if exceptions.empty:
    st.success("所有批次的数据均通过校验。")
else:
    by_file = (exceptions.assign(类型=exceptions["staged"].map({True: "提示", False: "拒收"}))
               .groupby(["batch_id", "file", "类型"]).size().reset_index(name="记录数")
               .rename(columns={"batch_id": "批次", "file": "文件"}))
    st.dataframe(by_file, hide_index=True, width="stretch")
    files = ["全部"] + sorted(exceptions["file"].unique().tolist())
    chosen = st.selectbox("文件", files, key="quality_file")
    shown = exceptions if chosen == "全部" else exceptions[exceptions["file"] == chosen]
    shown = shown.assign(reason_zh=shown["reason_zh"].fillna(shown["reason"]),
                         staged=shown["staged"].map({True: "是", False: "否"}))
    st.dataframe(shown[["batch_id", "file", "row_number", "key", "reason_zh", "reason", "staged", "raw_content"]]
                 .rename(columns={"batch_id": "批次", "file": "文件", "row_number": "行号", "key": "主键",
                                  "reason_zh": "原因", "reason": "技术说明", "staged": "已入库",
                                  "raw_content": "原始内容"}),
                 hide_index=True, width="stretch")

st.subheader("批次接收情况")
audit = data.batch_audit()
status_names = {"accepted": "已接收", "rejected": "已拒收", "superseded": "已被替代"}
st.dataframe(audit.assign(status=audit["status"].map(lambda s: status_names.get(s, s))).rename(columns={
    "batch_id": "批次", "file": "文件", "status": "状态", "reason": "原因", "manifest_rows": "清单行数",
    "staged_rows": "入库行数", "exception_rows": "拒收行数", "encoding": "编码", "ingested_at": "接收时间",
}), hide_index=True, width="stretch")

"""数据质量: the quality gate's results per batch, rejected and reported rows, batch receipt."""

from __future__ import annotations

import streamlit as st

from dashboards import data

data.require_page("quality")

st.title("数据质量")

st.subheader("批次质量校验")
st.caption("每个新到批次在暂存层之后、集市层之前逐项校验（阈值见 expectations/batch_checks.yml）。"
           "“阻断”项未通过：整批拒收，数据不入库；“警告”项未通过：照常发布，在此提示。")
checks = data.quality_checks()
if checks.empty:
    st.info("尚无批次质量校验记录。")
else:
    from expectations.batch import LABELS, load_config

    load_config()
    failed = checks[~checks["passed"].astype(bool)]
    q1, q2, q3 = st.columns(3)
    q1.metric("校验项（全部批次）", f"{len(checks):,d}")
    q2.metric("未通过（阻断）", f"{int((failed['severity'] == 'block').sum()):,d}")
    q3.metric("未通过（警告）", f"{int((failed['severity'] == 'warn').sum()):,d}")
    show_all = st.checkbox("显示通过的校验项", value=False, key="quality_show_passed")
    shown_checks = checks if show_all else failed
    if shown_checks.empty:
        st.success("所有批次的质量校验均已通过。")
    else:
        st.dataframe(shown_checks.assign(
            check_name=shown_checks["check_name"].map(lambda c: LABELS.get(c.split("(")[0], c)
                                                      + (c[c.index("("):] if "(" in c else "")),
            severity=shown_checks["severity"].map({"block": "阻断", "warn": "警告"}),
            passed=shown_checks["passed"].map({True: "通过", False: "未通过"}),
        ).rename(columns={
            "batch_id": "批次", "batch_version": "版本", "file": "文件", "check_name": "校验项", "severity": "级别",
            "passed": "结果", "observed": "实测", "expected": "期望", "detail": "示例", "checked_at": "校验时间",
        }), hide_index=True, width="stretch")
report = data.quality_report()
if report is not None:
    path, content = report
    st.download_button("下载数据质量校验报告（HTML）", data=content, file_name=path.name, mime="text/html",
                       key="quality_report")
    st.caption(f"报告文件：{path}（每次运行后更新，含每个批次的全部校验结果）")

st.subheader("记录级异常")
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

"""Columns of the two official tables: mart column -> printed header (one place).

Used by the xlsx writer and by the dashboard so that a figure carries the same
label wherever it is shown. Each entry is (column, group, header, kind) where
group is the upper header cell of a two-level header (None = single header
spanning both levels) and kind is "count" (integer) or "amount" (万元, 2 decimals).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str  # column of the mart
    group: str | None  # upper header (merged over its sub-columns); None = two-level single cell
    header: str  # header as printed
    kind: str  # "count" | "amount" | "text"

    @property
    def label(self) -> str:
        """One-line label (for the dashboard): group·header."""
        return f"{self.group}·{self.header}" if self.group else self.header


# 附件1 社保基金管理风险排查基本情况汇总表 (marts.summary_basic)
BASIC_TITLE = "社保基金管理风险排查基本情况汇总表"
BASIC_COLUMNS: list[Column] = [
    Column("recipients_resident", "待遇领取人数", "居民", "count"),
    Column("recipients_enterprise", "待遇领取人数", "企业", "count"),
    Column("recipients_institution", "待遇领取人数", "机关", "count"),
    Column("recipients_total", "待遇领取人数", "合计", "count"),
    Column("paid_current_month", None, "当月发放金额(万元)", "amount"),
    Column("paid_since_screen_from", None, "2019年以来累计发放金额(万元)", "amount"),
    Column("screened_payout_rows", None, "筛查发放记录数", "count"),
    Column("system_flags", "系统筛查", "系统筛查疑点数", "count"),
    Column("flag_persons", "系统筛查", "涉及人数", "count"),
    Column("flag_amount", "系统筛查", "涉及金额(万元)", "amount"),
    Column("issued_suspects", None, "部省下发疑点数", "count"),
    Column("verified_count", "核查整改情况", "已核查数", "count"),
    Column("confirmed_count", "核查整改情况", "核查属实数", "count"),
    Column("recovered_amount", "核查整改情况", "追回金额(万元)", "amount"),
    Column("rectified_count", "核查整改情况", "已整改数", "count"),
]

# 附件2 社保基金管理风险排查问题情况汇总表 (marts.summary_problems)
PROBLEMS_TITLE = "社保基金管理风险排查问题情况汇总表"
PROBLEM_COLUMNS: list[Column] = [
    Column("problem_count", None, "问题数量", "count"),
    Column("persons_involved", None, "涉及人数", "count"),
    Column("amount_involved", None, "涉及金额(万元)", "amount"),
    Column("verified_count", "核查情况", "已核查", "count"),
    Column("confirmed_count", "核查情况", "核查属实", "count"),
    Column("rectified_count", "整改情况", "已整改", "count"),
    Column("rectifying_count", "整改情况", "整改中", "count"),
    Column("not_rectified_count", "整改情况", "未整改", "count"),
    Column("recovered_amount", None, "追回金额(万元)", "amount"),
]

# Notes printed under the tables (and shown beside them wherever they are shown): two
# figures that differ by definition, and how 合计 rows round (docs/DESIGN.md).
BASIC_NOTE = (
    "注：1. 涉及人数为系统筛查疑点涉及的不重复人数（同一人涉及多个问题只计一次），"
    "附件2的涉及人数按问题项分别统计，故附件2合计可能大于本表。"
    "2. 金额单位为万元，各单位金额由元合计后四舍五入保留两位小数，全市合计为各单位数之和。"
)
PROBLEMS_NOTE = (
    "注：1. 涉及人数按问题项分别统计，同一人涉及多项问题时在各项分别计入，合计为各项之和，"
    "可能大于附件1的涉及人数（不重复人数）。"
    "2. 合计行金额由各项金额（元）合计后四舍五入保留两位小数（万元），与附件1相应金额一致，"
    "可能与本列各行四舍五入后之和相差0.01万元；全市合计为各单位合计之和。"
)

ITEM_SOURCE = {"rule": "系统筛查", "checklist": "自查"}
SECTION_NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]
TOTAL_CODE = "TOTAL"
TOTAL_NAME = "全市合计"
BUREAU = "淮南市人力资源和社会保障局"

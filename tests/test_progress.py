"""Progress of a long run (issue 9): the bar on a terminal, plain lines without one and in the log."""

from __future__ import annotations

import io
import time

from pension_risk import progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_name_the_stage_rows_nodes_and_time():
    p = progress.reset()
    p.set_stage("ingesting")
    p.add_rows(1_200_000)
    p.add_rows(34_567)
    p.set_stage("intermediate and marts (dbt)", dbt_total=336)
    for _ in range(142):
        p.dbt_node_done()
    assert p.line().startswith("intermediate and marts (dbt): 1,234,567 rows ingested, dbt 142/336 nodes, 0:0")
    assert " 142/336 | 1,234,567 rows | intermediate and marts (dbt)" in p.bar()
    assert p.bar(width=10).split()[1] == "████░░░░░░"


def test_reporter_writes_a_bar_on_a_terminal_and_lines_in_the_log():
    progress.reset()
    log, terminal = [], Terminal()
    with progress.Reporter(log=log.append, stream=terminal, every=60, tick=0.05):
        progress.current.set_stage("staging (dbt)", dbt_total=4)
        progress.current.dbt_node_done(4)
        time.sleep(0.3)
        progress.current.set_stage("publishing")
        time.sleep(0.3)
    shown = terminal.getvalue()
    assert "\r\x1b[2K" in shown and "4/4 | 0 rows | staging (dbt)" in shown
    assert shown.endswith("\r\x1b[2K")  # the bar is cleared at the end
    stages = [line.split(":")[1].strip() for line in log]
    assert stages[-2:] == ["staging (dbt)", "publishing"], log


def test_without_a_terminal_the_lines_go_to_the_stream():
    progress.reset()
    stream = io.StringIO()
    with progress.Reporter(stream=stream, every=60, tick=0.05):
        progress.current.set_stage("quality gate")
        time.sleep(0.3)
    assert "      quality gate: 0 rows ingested, 0:00 elapsed\n" in stream.getvalue()
    assert "\r" not in stream.getvalue()

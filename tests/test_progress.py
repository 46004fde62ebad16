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


def test_a_history_replay_shows_its_batch_and_counts_its_models(example_warehouse):
    """The example's two batches arrive in one run: the rules are replayed as of the first (first_seen_batch).

    The progress names the replay and counts its models against the total dbt's own selection
    gives (orchestration.assets.dbt.replay_model_count); dbt's summary of that invocation agrees.
    """
    import re

    log = example_warehouse.with_name(example_warehouse.name + ".run.log").read_text(encoding="utf-8")
    stage = "replaying the rules as of batch 20210531 (1 of 1, for first_seen_batch)"
    totals = {int(m) for m in re.findall(re.escape(stage) + r": [\d,]+ rows ingested, dbt \d+/(\d+) nodes", log)}
    after = log[log.index(stage):]
    summary = re.search(r"Finished running ([^\n]*?) in \d+ hours", after).group(1)
    built = sum(int(n) for n in re.findall(r"(\d+) (?:incremental|table|view) models?", summary))
    assert totals == {built}, (totals, summary)
    assert built > 50  # the rules and everything they read, not a handful

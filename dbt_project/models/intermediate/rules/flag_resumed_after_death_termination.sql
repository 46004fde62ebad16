{#
  R03 死亡终止后恢复发放: a benefit has a change to status 4 with reason 1401 (死亡),
  and later (strictly later operated_at) a change of that benefit to status 1, or a
  paid payout (any type) of that benefit with pay_month > the termination month.
  With several qualifying terminations of a benefit the earliest one sets the month.
  Amount: paid payouts of that benefit with pay_month > the termination month,
  summed over the person's flagged benefits.
  Logic shared with R02: macro flag_resumed_after_death_change (macros/rules_payouts.sql).
#}
{{ flag_resumed_after_death_change(
    rule_code='R03',
    kind='termination',
    trigger_payout_type=none,
    trigger_month_comparison='>'
) }}

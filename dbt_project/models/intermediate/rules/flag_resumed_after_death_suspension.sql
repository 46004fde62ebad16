{#
  R02 因死亡暂停后恢复或补发: a benefit has a change to status 2 with reason 1203
  (死亡待核实), and later (strictly later operated_at) a change of that benefit to
  status 1, or a paid back-pay (payout_type 2) of that benefit with
  pay_month >= the suspension month. With several qualifying suspensions of a
  benefit the earliest one sets the month. Amount: paid payouts of that benefit
  with pay_month > the suspension month, summed over the person's flagged benefits.
  Logic shared with R03: macro flag_resumed_after_death_change (macros/rules_payouts.sql).
#}
{{ flag_resumed_after_death_change(
    rule_code='R02',
    kind='suspension',
    trigger_payout_type='2',
    trigger_month_comparison='>='
) }}

{#
  What each placeholder of seeds/explanation_templates.csv holds, per rule: a Chinese
  placeholder name and the SQL that reads and formats it from the flag (columns
  flags.evidence, flags.amount, flags.subject_id; the code names map names.m).
  The policy officer changes the wording in the seed; the data team adds a
  placeholder here (and lists it in seeds/_explanation_templates.yml).
  Used by int_flag_explanations (the explanations) and explanation_placeholders (the
  catalogue of placeholders, checked against the templates by a dbt test).
#}
{% macro explanation_placeholders() %}
{%- set amount = zh_yuan('flags.amount') -%}
{%- set accounts = ev_list('$.accounts', 3, account_tail) -%}
{%- set review_fault = code_name('review_fault', "case when " ~ ev('$.reviewer_id') ~ " is null then 'no_reviewer' else 'self_reviewed' end") -%}
{%- set p = {} -%}

{#- 一 养老金发放异常情况 -#}
{%- do p.update({'R01': [
    ('死亡信息来源', code_name('death_source', ev('$.death_records[0].source'))),
    ('死亡日期', zh_date(ev('$.death_date'))),
    ('发放月份', zh_month_span(ev('$.first_month_after_death'), ev('$.last_month_after_death'))),
    ('月数', ev('$.month_count_after_death')),
    ('金额', amount),
    ('账户尾号', accounts),
]}) -%}
{%- for rule, kind, label in [('R02', 'suspension', '暂停'), ('R03', 'termination', '终止')] -%}
{%- do p.update({rule: [
    ('险种', scheme_name(ev('$.benefits[0].scheme_code'))),
    (label ~ '日期', zh_date(ev('$.benefits[0].operated_at'))),
    (label ~ '原因', code_name('status_reason', ev('$.benefits[0].reason_code'))),
    ('恢复日期', zh_date(ev('$.benefits[0].later_change_at'))),
    ('发放月份', zh_month_span(ev('$.benefits[0].first_pay_month_after'), ev('$.benefits[0].last_pay_month_after'))),
    ('笔数', "nullif(" ~ ev('$.benefits[0].paid_payouts_after_' ~ kind ~ '_month') ~ ", '0')"),
    ('金额', amount),
    ('账户尾号', accounts),
]}) -%}
{%- endfor -%}
{%- do p.update({'R04': [
    ('超限月份', zh_month(ev('$.flagged_months[0].pay_month'))),
    ('当月金额', zh_yuan(ev('$.flagged_months[0].month_total'))),
    ('阈值', zh_yuan(ev('$.threshold'))),
    ('核定月额', zh_yuan(ev('$.approved_monthly_amount'))),
    ('倍数', ev('$.multiple')),
    ('险种', scheme_name(ev('$.scheme_code'))),
    ('下限', zh_yuan(ev('$.floor'))),
    ('最大笔类型', code_name('payout_type', ev('$.largest_payout_type'))),
    ('最大笔所属期', zh_month_span(ev('$.largest_payout_period_from'), ev('$.largest_payout_period_to'))),
    ('最大笔金额', zh_yuan(ev('$.largest_payout_amount'))),
    ('账户尾号', tail4(ev('$.largest_payout_account_no'))),
    ('超限月数', "case when cast(" ~ ev('$.flagged_month_count') ~ " as " ~ dbt.type_int() ~ ") > 1 then " ~ ev('$.flagged_month_count') ~ " end"),
    ('金额', amount),
]}) -%}
{%- do p.update({'R05': [
    ('较高月份', ev_list('$.high_months', 6, zh_month, count_path='$.high_month_count', unit='个月', field='pay_month')),
    ('月数', ev('$.high_month_count')),
    ('最少月数', ev('$.min_high_months')),
    ('窗口月数', ev('$.window_months')),
    ('阈值', zh_yuan(ev('$.threshold'))),
    ('核定月额', zh_yuan(ev('$.approved_monthly_amount'))),
    ('倍数', ev('$.multiple')),
    ('险种', scheme_name(ev('$.scheme_code'))),
    ('下限', zh_yuan(ev('$.floor'))),
    ('金额', amount),
    ('账户尾号', accounts),
]}) -%}
{%- do p.update({'R06': [
    ('批次号', ev('$.batch_id')),
    ('开始时间', zh_time(ev('$.batch_start'))),
    ('日类型', ev('$.start_day_type')),
    ('节日', ev('$.start_holiday')),
    ('工作时间', ev('$.working_hours')),
    ('经办人', ev('$.operator')),
    ('经办人姓名', ev('$.operator_name')),
    ('操作数', ev('$.operations')),
    ('高风险数', ev('$.high_risk_operations')),
    ('恢复数', ev('$.status_resume')),
    ('调整数', ev('$.amount_adjust')),
    ('补发数', ev('$.backpay')),
]}) -%}
{%- do p.update({'R07': [
    ('账户尾号', tail4(ev('$.account_no'))),
    ('银行', code_name('bank', ev('$.bank_code'))),
    ('开户人', ev('$.holder_name')),
    ('人数', ev('$.distinct_ids')),
    ('关联人员', ev_list('$.linked_persons', 5, as_is, field='name')),
    ('发放月份', zh_month_span(ev('$.first_pay_month'), ev('$.last_pay_month'))),
    ('笔数', "nullif(" ~ ev('$.paid_payouts') ~ ", '0')"),
    ('金额', amount),
]}) -%}

{#- 二 待遇发放审核情况 -#}
{%- do p.update({'R08': [
    ('险种', scheme_name(ev('$.scheme_code'))),
    ('待遇编号', ev('$.benefit_id')),
    ('核定时间', zh_time(ev('$.determined_at'))),
    ('核定人', ev('$.determined_by')),
    ('核定人姓名', ev('$.determined_by_name')),
    ('复核人', ev('$.reviewed_by')),
    ('月待遇', zh_yuan(ev('$.monthly_amount'))),
    ('起始月', zh_month(ev('$.start_month'))),
]}) -%}
{%- do p.update({'R09': [
    ('批次号', ev('$.batch_id')),
    ('发放月份', zh_month(ev('$.pay_month'))),
    ('经办人', ev('$.created_by')),
    ('经办人姓名', ev('$.created_by_name')),
    ('批次笔数', ev('$.payouts_in_batch')),
    ('笔数', ev('$.unreviewed_payouts')),
    ('无复核笔数', ev('$.without_reviewer')),
    ('自审笔数', ev('$.self_reviewed')),
    ('金额', amount),
]}) -%}
{%- do p.update({'R10': [
    ('刑罚类型', code_name('sentence_type', ev('$.incarceration_records[0].sentence_type'))),
    ('收监日期', zh_date(ev('$.incarceration_records[0].start_date'))),
    ('释放日期', zh_date(ev('$.incarceration_records[0].end_date'))),
    ('服刑状态', code_name('serving', ev('$.incarceration_records[0].still_serving'))),
    ('发放月份', zh_month_span(ev('$.first_month_in_prison'), ev('$.last_month_in_prison'))),
    ('月数', ev('$.month_count_in_prison')),
    ('金额', amount),
    ('账户尾号', accounts),
]}) -%}
{%- do p.update({'R11': [
    ('所属期', zh_month_span(ev('$.period_from'), ev('$.period_to'))),
    ('发放月份', zh_month(ev('$.pay_month'))),
    ('发放类型', code_name('payout_type', ev('$.payout_type'))),
    ('支付日期', zh_date(ev('$.paid_on'))),
    ('天数', ev('$.days_since_failure')),
    ('账户尾号', tail4(ev('$.account_no'))),
    ('金额', amount),
]}) -%}
{%- set backpay_items = [] -%}
{%- for i in range(6) -%}
    {%- set b = '$.backpays[' ~ i ~ ']' -%}
    {%- do backpay_items.append("case when " ~ ev(b ~ '.pay_month') ~ " is not null then concat("
        ~ zh_month(ev(b ~ '.pay_month')) ~ ", '补发', "
        ~ zh_month_span(ev(b ~ '.period_from'), ev(b ~ '.period_to')) ~ ", '待遇', "
        ~ zh_yuan(ev(b ~ '.amount')) ~ ") end") -%}
{%- endfor -%}
{%- do p.update({'R12': [
    ('补发月份', ev_list('$.backpays', 6, zh_month, count_path='$.backpays_in_windows', unit='笔', field='pay_month')),
    ('补发明细', "case when cast(" ~ ev('$.backpays_in_windows') ~ " as " ~ dbt.type_int() ~ ") > 6 then concat("
        ~ zh_join(backpay_items, '；') ~ ", '等', " ~ ev('$.backpays_in_windows') ~ ", '笔') else "
        ~ zh_join(backpay_items, '；') ~ " end"),
    ('笔数', ev('$.backpays_in_windows')),
    ('窗口月数', ev('$.window_months')),
    ('最少笔数', ev('$.min_backpays')),
    ('金额', amount),
    ('账户尾号', accounts),
]}) -%}

{#- 三 / 四 / 七 岗位、对账、系统权限 -#}
{%- set user_placeholders = [('用户', ev('$.user_id')), ('用户姓名', ev('$.name'))] -%}
{%- do p.update({'R13': user_placeholders + [
    ('冲突岗位', ev_list('$.conflicting_pairs', 6, role_pair, sep='；')),
    ('起始日期', zh_date(ev('$.conflict_since'))),
]}) -%}
{%- do p.update({'R14': [
    ('批次号', ev('$.batch_id')),
    ('发放月份', zh_month(ev('$.pay_month'))),
    ('经办人', ev('$.created_by')),
    ('经办人姓名', ev('$.created_by_name')),
    ('批次笔数', ev('$.payouts_in_batch')),
    ('笔数', ev('$.manual_payouts')),
    ('金额', amount),
]}) -%}
{%- set mismatch = ev('$.balance_mismatch') ~ " = 'true'" -%}
{%- do p.update({'R15': [
    ('经办机构', code_name('agency', 'flags.county_code')),
    ('对账月份', zh_month(ev('$.month'))),
    ('支出户尾号', tail4(ev('$.bank_account'))),
    ('编制人', ev('$.prepared_by')),
    ('编制人姓名', ev('$.prepared_by_name')),
    ('复核人', ev('$.reviewed_by')),
    ('对账问题', zh_join([
        code_name('recon_problem', when_true(ev('$.no_reviewer') ~ " = 'true'", "'no_reviewer'")),
        code_name('recon_problem', when_true(ev('$.self_reviewed') ~ " = 'true'", "'self_reviewed'")),
        code_name('recon_problem', when_true(ev('$.reviewer_is_cashier_on_month_end') ~ " = 'true'", "'reviewer_is_cashier'")),
        code_name('recon_problem', when_true(mismatch, "'balance_mismatch'")),
    ], '；')),
    ('账面余额', when_true(mismatch, zh_yuan(ev('$.book_balance')))),
    ('银行余额', when_true(mismatch, zh_yuan(ev('$.bank_balance')))),
    ('差额', when_true(mismatch, amount)),
]}) -%}
{%- do p.update({'R16': user_placeholders + [
    ('会计授权日期', zh_date(ev('$.fin_accountant_granted_on'))),
    ('出纳授权日期', zh_date(ev('$.fin_cashier_granted_on'))),
]}) -%}

{#- 五 资格认证 / 六 社保卡 -#}
{%- do p.update({'R17': [
    ('险种', scheme_name(ev('$.benefits_in_payment[0].scheme_code'))),
    ('起始月', zh_month(ev('$.benefits_in_payment[0].start_month'))),
    ('认证起点', zh_date(ev('$.no_passed_certification_after'))),
    ('截至日期', zh_date(ev('$.as_of'))),
    ('月数', "'" ~ var('r17_months') ~ "'"),
    ('最近认证日期', zh_date(ev('$.last_passed_certification'))),
]}) -%}
{%- do p.update({'R18': [
    ('死亡信息来源', code_name('death_source', ev('$.death_records[0].source'))),
    ('接收日期', zh_date(ev('$.death_records[0].received_on'))),
    ('死亡日期', zh_date(ev('$.death_records[0].death_date'))),
    ('天数', ev('$.days_since_received')),
    ('险种', scheme_name(ev('$.benefits_still_in_payment[0].scheme_code'))),
]}) -%}
{%- do p.update({'R19': [
    ('认证日期', zh_date(ev('$.certified_on'))),
    ('认证方式', code_name('cert_method', "'3'")),
    ('认证结果', code_name('cert_result', ev('$.result'))),
    ('经办人', ev('$.operator_id')),
    ('经办人姓名', ev('$.operator_name')),
    ('复核问题', review_fault),
]}) -%}
{%- do p.update({'R20': [
    ('卡号', ev('$.card_no')),
    ('到达日期', zh_date(ev('$.arrived_on'))),
    ('月数', ev('$.months_since_arrival')),
    ('卡状态', code_name('card_status', ev('$.status'))),
]}) -%}
{%- do p.update({'R21': [
    ('死亡日期', zh_date(ev('$.death_date'))),
    ('卡号', ev('$.card_no')),
    ('卡状态', code_name('card_status', ev('$.card_status'))),
]}) -%}
{%- do p.update({'R22': [
    ('卡号', ev('$.card_no')),
    ('激活日期', zh_date(ev('$.activated_on'))),
    ('激活方式', code_name('activation_mode', "'3'")),
]}) -%}

{#- 七 信息系统 -#}
{%- do p.update({'R23': [
    ('操作时间', zh_time(ev('$.operated_at'))),
    ('经办人', ev('$.operator')),
    ('经办人姓名', ev('$.operator_name')),
    ('业务类型', code_name('op_code', ev('$.op_code'))),
    ('日志号', ev('$.log_id')),
    ('人员姓名', ev('$.person_name')),
    ('复核问题', review_fault),
]}) -%}
{%- do p.update({'R24': user_placeholders + [
    ('离岗日期', zh_date(ev('$.left_on'))),
    ('在岗状态', ev('$.employment_status')),
    ('账号状态', code_name('account_status', ev('$.account_status'))),
    ('停用日期', zh_date(ev('$.disabled_on'))),
    ('操作次数', "nullif(" ~ ev('$.operations_after_leaving') ~ ", '0')"),
    ('首次操作时间', zh_time(ev('$.first_operation_after_leaving'))),
]}) -%}
{%- do p.update({'R25': user_placeholders + [
    ('三员角色', ev_list('$.admin_roles', 3, role_name)),
]}) -%}
{%- do p.update({'R26': user_placeholders + [
    ('登录方式', code_name('login_method', "'3'")),
    ('开通日期', zh_date(ev('$.created_on'))),
]}) -%}

{#- 八 重复领取 / 九 账户 / 十 部省疑点 -#}
{%- set record_items = [] -%}
{%- for i in range(4) -%}
    {%- set r = '$.person_records[' ~ i ~ ']' -%}
    {%- do record_items.append("case when " ~ ev(r ~ '.person_id') ~ " is not null then concat("
        ~ ev(r ~ '.name') ~ ", '，', coalesce(" ~ code_name('agency', ev(r ~ '.county_code')) ~ ", " ~ ev(r ~ '.county_code') ~ "), '，人员编号', "
        ~ ev(r ~ '.person_id') ~ ") end") -%}
{%- endfor -%}
{%- set benefit_items = [] -%}
{%- for i in range(4) -%}
    {%- set b = '$.benefits[' ~ i ~ ']' -%}
    {%- do benefit_items.append("case when " ~ ev(b ~ '.benefit_id') ~ " is not null then concat("
        ~ scheme_name(ev(b ~ '.scheme_code')) ~ ", '（', " ~ ev(b ~ '.benefit_id') ~ ", '，月待遇', "
        ~ zh_yuan(ev(b ~ '.monthly_amount')) ~ ", '）') end") -%}
{%- endfor -%}
{%- do p.update({'R27': [
    ('身份证号', ev('$.id_number')),
    ('记录数', ev('$.person_record_count')),
    ('参保记录', zh_join(record_items, '；')),
    ('待遇列表', zh_join(benefit_items, '、')),
    ('重复月份', zh_month_span(ev('$.first_duplicated_month'), ev('$.last_duplicated_month'))),
    ('月数', ev('$.duplicated_month_count')),
    ('金额', amount),
]}) -%}
{%- do p.update({'R28': [
    ('发放月份', zh_month_span(ev('$.accounts[0].first_pay_month'), ev('$.accounts[0].last_pay_month'))),
    ('账户尾号', tail4(ev('$.accounts[0].account_no'))),
    ('开户人', ev('$.accounts[0].holder_name')),
    ('开户人身份证号', ev('$.accounts[0].holder_id_number')),
    ('不一致情况', code_name('holder_mismatch', ev('$.accounts[0].mismatch'))),
    ('笔数', ev('$.paid_payouts')),
    ('金额', amount),
]}) -%}
{%- do p.update({'R29': [
    ('疑点编号', ev('$.suspect_id')),
    ('下发单位', ev('$.issuer')),
    ('下发日期', zh_date(ev('$.issued_on'))),
    ('疑点类型', ev('$.suspect_type')),
    ('姓名', ev('$.name')),
    ('疑点说明', ev('$.description')),
    ('天数', ev('$.days_since_issued')),
    ('当前结论', ev('$.current_conclusion')),
]}) -%}
{{ return(p) }}
{% endmacro %}

{# `dbt run-operation explanation_placeholder_list`: prints, per rule, the placeholders its
   template may use, as written in the `placeholders` column of seeds/explanation_templates.csv. #}
{% macro explanation_placeholder_names(rule_placeholders) -%}
    {%- set names = [] -%}
    {%- for name, _value in rule_placeholders -%}{%- do names.append('{' ~ name ~ '}') -%}{%- endfor -%}
    {{- return(names | join(' ')) -}}
{%- endmacro %}

{% macro explanation_placeholder_list() %}
    {%- for rule_code, rule_placeholders in explanation_placeholders().items() %}
        {{ print(rule_code ~ ',' ~ explanation_placeholder_names(rule_placeholders)) }}
    {%- endfor %}
{% endmacro %}

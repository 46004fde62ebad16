{# 待遇发放明细 (payouts.csv, increment): every delivered row (all ingested batch versions), typed,
   with the reason it is rejected (null = staged). #}
with source as (
    select * from {{ source('landing', 'payouts') }} as delivered
    {{ only_new_batch_versions() }}
),

typed as (
    select
        {{ clean('payout_id') }} as payout_id,
        {{ clean('benefit_id') }} as benefit_id,
        {{ clean('person_id') }} as person_id,
        {{ parse_month('period_from') }} as period_from,
        {{ parse_month('period_to') }} as period_to,
        {{ parse_month('pay_month') }} as pay_month,
        {{ clean('payout_type') }} as payout_type,
        {{ parse_amount('amount', allow_negative=true) }} as amount,
        {{ clean('account_no') }} as account_no,
        {{ clean('bank_code') }} as bank_code,
        {{ clean('channel') }} as channel,
        {{ clean('batch_id') }} as payout_batch_id,
        {{ clean('pay_status') }} as pay_status,
        {{ clean('created_by') }} as created_by,
        {{ clean('reviewed_by') }} as reviewed_by,
        {{ parse_date('paid_on') }} as paid_on,
        payout_id as raw_payout_id,
        benefit_id as raw_benefit_id,
        person_id as raw_person_id,
        period_from as raw_period_from,
        period_to as raw_period_to,
        pay_month as raw_pay_month,
        payout_type as raw_payout_type,
        amount as raw_amount,
        account_no as raw_account_no,
        bank_code as raw_bank_code,
        channel as raw_channel,
        batch_id as raw_batch_id,
        pay_status as raw_pay_status,
        created_by as raw_created_by,
        reviewed_by as raw_reviewed_by,
        paid_on as raw_paid_on,
        concat_ws(',', coalesce(payout_id, ''), coalesce(benefit_id, ''), coalesce(person_id, ''), coalesce(period_from, ''), coalesce(period_to, ''), coalesce(pay_month, ''), coalesce(payout_type, ''), coalesce(amount, ''), coalesce(account_no, ''), coalesce(bank_code, ''), coalesce(channel, ''), coalesce(batch_id, ''), coalesce(pay_status, ''), coalesce(created_by, ''), coalesce(reviewed_by, ''), coalesce(paid_on, '')) as raw_content,
        _batch_id,
        _batch_version,
        _file,
        _row_number
    from source
),

{{ repeated_keys('payouts') }}

checked as (
    select
        typed.*,
        case
            when payout_id is null then 'payout_id: missing key'
            when repeated_keys.first_row_number < typed._row_number then 'repeated key within the file (payout_id)'
            when payout_id is null then 'payout_id: missing'
            when benefit_id is null then 'benefit_id: missing'
            when person_id is null then 'person_id: missing'
            {{ check_value('raw_period_from', 'period_from', 'period_from', required=true) }}
            {{ check_value('raw_period_to', 'period_to', 'period_to', required=true) }}
            {{ check_value('raw_pay_month', 'pay_month', 'pay_month', required=true) }}
            {{ check_code('raw_payout_type', 'payout_type', landing_codes('payouts', 'payout_type'), required=true) }}
            {{ check_value('raw_amount', 'amount', 'amount', required=true) }}
            when account_no is null then 'account_no: missing'
            {{ check_code('raw_bank_code', 'bank_code', landing_codes('payouts', 'bank_code'), required=true) }}
            {{ check_code('raw_channel', 'channel', landing_codes('payouts', 'channel'), required=true) }}
            when payout_batch_id is null then 'batch_id: missing'
            {{ check_code('raw_pay_status', 'pay_status', landing_codes('payouts', 'pay_status'), required=true) }}
            when created_by is null then 'created_by: missing'
            {{ check_value('raw_paid_on', 'paid_on', 'paid_on', required=true) }}
            when amount < 0 and payout_type <> '3' then concat('amount: negative outside 调整补差: ', raw_amount)
            when period_from > period_to then concat('period_from after period_to: ', raw_period_from, ' > ', raw_period_to)
        end as _reject_reason
    from typed
    {{ join_repeated_keys('payouts') }}
),

final as (
    select
        payout_id,
        benefit_id,
        person_id,
        period_from,
        period_to,
        pay_month,
        payout_type,
        amount,
        account_no,
        bank_code,
        channel,
        payout_batch_id,
        pay_status,
        created_by,
        reviewed_by,
        paid_on,
        case when _reject_reason is not null then raw_content end as raw_content,
        _reject_reason,
        _batch_id,
        _batch_version,
        _file,
        _row_number
    from checked
)

select * from final

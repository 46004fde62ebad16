{# 支出户银行对账 (reconciliations.csv, increment): every delivered row (all ingested batch versions), typed,
   with the reason it is rejected (null = staged). #}
with source as (
    select * from {{ source('landing', 'reconciliations') }} as delivered
    {{ only_new_batch_versions() }}
),

typed as (
    select
        {{ clean('recon_id') }} as recon_id,
        {{ clean('county_code') }} as county_code,
        {{ clean('bank_account') }} as bank_account,
        {{ parse_month('month') }} as month,
        {{ parse_amount('book_balance', allow_negative=true) }} as book_balance,
        {{ parse_amount('bank_balance', allow_negative=true) }} as bank_balance,
        {{ clean('prepared_by') }} as prepared_by,
        {{ clean('reviewed_by') }} as reviewed_by,
        recon_id as raw_recon_id,
        county_code as raw_county_code,
        bank_account as raw_bank_account,
        month as raw_month,
        book_balance as raw_book_balance,
        bank_balance as raw_bank_balance,
        prepared_by as raw_prepared_by,
        reviewed_by as raw_reviewed_by,
        concat_ws(',', coalesce(recon_id, ''), coalesce(county_code, ''), coalesce(bank_account, ''), coalesce(month, ''), coalesce(book_balance, ''), coalesce(bank_balance, ''), coalesce(prepared_by, ''), coalesce(reviewed_by, '')) as raw_content,
        _batch_id,
        _batch_version,
        _file,
        _row_number
    from source
),

{{ repeated_keys('reconciliations') }}

checked as (
    select
        typed.*,
        case
            when recon_id is null then 'recon_id: missing key'
            when repeated_keys.first_row_number < typed._row_number then 'repeated key within the file (recon_id)'
            when recon_id is null then 'recon_id: missing'
            {{ check_code('raw_county_code', 'county_code', landing_codes('reconciliations', 'county_code'), required=true) }}
            {{ check_value('raw_month', 'month', 'month', required=true) }}
            {{ check_value('raw_book_balance', 'book_balance', 'book_balance', required=true) }}
            {{ check_value('raw_bank_balance', 'bank_balance', 'bank_balance', required=true) }}
        end as _reject_reason
    from typed
    {{ join_repeated_keys('reconciliations') }}
),

final as (
    select
        recon_id,
        county_code,
        bank_account,
        month,
        book_balance,
        bank_balance,
        prepared_by,
        reviewed_by,
        case when _reject_reason is not null then raw_content end as raw_content,
        _reject_reason,
        _batch_id,
        _batch_version,
        _file,
        _row_number
    from checked
)

select * from final

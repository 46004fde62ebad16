{# 发放账户 (bank_accounts.csv, snapshot): every delivered row (all ingested batch versions), typed,
   with the reason it is rejected (null = staged). #}
with source as (
    select * from {{ source('landing', 'bank_accounts') }} as delivered
    {{ only_new_batch_versions() }}
),

typed as (
    select
        {{ clean('account_no') }} as account_no,
        {{ clean('bank_code') }} as bank_code,
        {{ clean('holder_name') }} as holder_name,
        {{ id_upper('holder_id_number') }} as holder_id_number,
        {{ normalize_id('holder_id_number') }} as holder_nid,
        {{ parse_date('opened_on') }} as opened_on,
        account_no as raw_account_no,
        bank_code as raw_bank_code,
        holder_name as raw_holder_name,
        holder_id_number as raw_holder_id_number,
        opened_on as raw_opened_on,
        concat_ws(',', coalesce(account_no, ''), coalesce(bank_code, ''), coalesce(holder_name, ''), coalesce(holder_id_number, ''), coalesce(opened_on, '')) as raw_content,
        _batch_id,
        _batch_version,
        _file,
        _row_number
    from source
),

{{ repeated_keys('bank_accounts') }}

checked as (
    select
        typed.*,
        case
            when account_no is null then 'account_no: missing key'
            when repeated_keys.first_row_number < typed._row_number then 'repeated key within the file (account_no)'
            when account_no is null then 'account_no: missing'
            {{ check_code('raw_bank_code', 'bank_code', landing_codes('bank_accounts', 'bank_code'), required=true) }}
            when holder_name is null then 'holder_name: missing'
            {{ check_value('raw_opened_on', 'opened_on', 'opened_on', required=true) }}
        end as _reject_reason
    from typed
    {{ join_repeated_keys('bank_accounts') }}
),

final as (
    select
        account_no,
        bank_code,
        holder_name,
        holder_id_number,
        holder_nid,
        holder_nid is not null as holder_id_valid,
        opened_on,
        case when _reject_reason is not null then raw_content end as raw_content,
        _reject_reason,
        _batch_id,
        _batch_version,
        _file,
        _row_number
    from checked
)

select * from final

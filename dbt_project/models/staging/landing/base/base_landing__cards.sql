{# 社保卡 (cards.csv, snapshot): every delivered row (all ingested batch versions), typed,
   with the reason it is rejected (null = staged). #}
with source as (
    select * from {{ source('landing', 'cards') }} as delivered
    {{ only_new_batch_versions() }}
),

typed as (
    select
        {{ clean('card_no') }} as card_no,
        {{ clean('person_id') }} as person_id,
        {{ parse_date('made_on') }} as made_on,
        {{ parse_date('arrived_on') }} as arrived_on,
        {{ parse_date('distributed_on') }} as distributed_on,
        {{ clean('status') }} as status,
        {{ parse_date('activated_on') }} as activated_on,
        {{ clean('activation_mode') }} as activation_mode,
        card_no as raw_card_no,
        person_id as raw_person_id,
        made_on as raw_made_on,
        arrived_on as raw_arrived_on,
        distributed_on as raw_distributed_on,
        status as raw_status,
        activated_on as raw_activated_on,
        activation_mode as raw_activation_mode,
        concat_ws(',', coalesce(card_no, ''), coalesce(person_id, ''), coalesce(made_on, ''), coalesce(arrived_on, ''), coalesce(distributed_on, ''), coalesce(status, ''), coalesce(activated_on, ''), coalesce(activation_mode, '')) as raw_content,
        _batch_id,
        _batch_version,
        _file,
        _row_number
    from source
),

{{ repeated_keys('cards') }}

checked as (
    select
        typed.*,
        case
            when card_no is null then 'card_no: missing key'
            when repeated_keys.first_row_number < typed._row_number then 'repeated key within the file (card_no)'
            when card_no is null then 'card_no: missing'
            when person_id is null then 'person_id: missing'
            {{ check_value('raw_made_on', 'made_on', 'made_on', required=false) }}
            {{ check_value('raw_arrived_on', 'arrived_on', 'arrived_on', required=false) }}
            {{ check_value('raw_distributed_on', 'distributed_on', 'distributed_on', required=false) }}
            {{ check_code('raw_status', 'status', landing_codes('cards', 'status'), required=true) }}
            {{ check_value('raw_activated_on', 'activated_on', 'activated_on', required=false) }}
            {{ check_code('raw_activation_mode', 'activation_mode', landing_codes('cards', 'activation_mode'), required=false) }}
        end as _reject_reason
    from typed
    {{ join_repeated_keys('cards') }}
),

final as (
    select
        card_no,
        person_id,
        made_on,
        arrived_on,
        distributed_on,
        status,
        activated_on,
        activation_mode,
        case when _reject_reason is not null then raw_content end as raw_content,
        _reject_reason,
        _batch_id,
        _batch_version,
        _file,
        _row_number
    from checked
)

select * from final

with source as (
    select * from {{ source('cases', 'checklist_answers') }}
),

final as (
    select
        agency_code,
        item_code,
        answer,
        note,
        rectification_status,
        updated_by,
        cast(updated_at as timestamp) as updated_at
    from source
)

select * from final

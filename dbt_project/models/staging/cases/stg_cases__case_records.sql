with source as (
    select * from {{ source('cases', 'case_records') }}
),

final as (
    select
        case_id,
        case_type,
        flag_id,
        suspect_id,
        conclusion,
        problem_note,
        cast(recovered_amount as decimal(18, 2)) as recovered_amount,
        rectification_status,
        rectification_measures,
        verified_by,
        cast(verified_on as date) as verified_on,
        cast(updated_at as timestamp) as updated_at
    from source
)

select * from final

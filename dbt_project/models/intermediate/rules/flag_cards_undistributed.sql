{#
  R20 社保卡超过6个月未发放且未回收入库: a card not handed out (distributed_on null)
  that arrived at the service office on or before as_of - r20_months months and is
  not taken back into storage (status <> '4' 回收入库). County: the holder's county.
#}
with cards as (
    select * from {{ ref('int_cards_current') }}
),

persons as (
    select * from {{ ref('int_persons_current') }}
),

as_of_date as (
    select
        as_of,
        {{ add_months('as_of', -var('r20_months')) }} as arrived_by
    from {{ ref('int_as_of') }}
),

flagged as (
    select cards.*
    from cards
    cross join as_of_date
    where cards.distributed_on is null
      and cards.arrived_on <= as_of_date.arrived_by
      and cards.status <> '4'
),

final as (
    select
        'R20' as rule_code,
        'card_no' as subject_type,
        flagged.card_no as subject_id,
        flagged.person_id,
        persons.county_code,
        cast(null as decimal(18, 2)) as amount,
        {{ json_obj([
            ('card_no', 'flagged.card_no'),
            ('person_id', 'flagged.person_id'),
            ('name', 'persons.name'),
            ('made_on', 'flagged.made_on'),
            ('arrived_on', 'flagged.arrived_on'),
            ('distributed_on', 'flagged.distributed_on'),
            ('status', 'flagged.status'),
            ('months_since_arrival', '(' ~ month_index('as_of_date.as_of') ~ ' - ' ~ month_index('flagged.arrived_on') ~ ')')
        ]) }} as evidence
    from flagged
    cross join as_of_date
    left join persons
        on flagged.person_id = persons.person_id
)

select * from final

{#
  R22 社保卡银行账户未见面激活: a card whose bank account was activated without
  meeting the holder (activation_mode '3' 未见面代激活). County: the holder's county.
#}
with cards as (
    select * from {{ ref('int_cards_current') }}
),

persons as (
    select * from {{ ref('int_persons_current') }}
),

flagged as (
    select *
    from cards
    where activation_mode = '3'
),

final as (
    select
        'R22' as rule_code,
        'card_no' as subject_type,
        flagged.card_no as subject_id,
        flagged.person_id,
        persons.county_code,
        cast(null as decimal(18, 2)) as amount,
        {{ json_obj([
            ('card_no', 'flagged.card_no'),
            ('person_id', 'flagged.person_id'),
            ('name', 'persons.name'),
            ('distributed_on', 'flagged.distributed_on'),
            ('activated_on', 'flagged.activated_on'),
            ('activation_mode', "'3 未见面代激活'"),
            ('status', 'flagged.status')
        ]) }} as evidence
    from flagged
    left join persons
        on flagged.person_id = persons.person_id
)

select * from final

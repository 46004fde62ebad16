{# 部省下发疑点数据: increment file — the latest row per key among the usable batches (a later batch's row is a correction). #}
{{ latest_rows('stg_landing__suspects', 'suspect_id') }}

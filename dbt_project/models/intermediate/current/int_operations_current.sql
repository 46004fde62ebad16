{# 经办系统操作日志: increment file — the latest row per key among the usable batches (a later batch's row is a correction). #}
{{ latest_rows('stg_landing__operations', 'log_id') }}

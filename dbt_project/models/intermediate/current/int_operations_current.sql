{# 经办系统操作日志: increment file — the latest row per key among the usable batches (a later batch's row is a correction).
   Kept from the previous build (macros/current_state.sql, kept_latest_rows): a nightly build writes only the new batch's rows. #}
{{ kept_latest_rows('stg_landing__operations', 'log_id') }}

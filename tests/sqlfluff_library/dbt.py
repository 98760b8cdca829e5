"""dbt's cross-database macros (dbt.hash, dbt.concat, ...) as plain SQL for linting."""


def hash(field):  # noqa: A001 - mirrors dbt.hash
    return f"md5({field})"


def concat(fields):
    return f"concat({', '.join(fields)})"


def type_string():
    return "varchar"


def current_timestamp():
    return "current_timestamp"


def listagg(measure, delimiter_text="','", order_by_clause=None, limit_num=None):
    order = f" {order_by_clause}" if order_by_clause else ""
    return f"string_agg({measure}, {delimiter_text}{order})"


def dateadd(datepart, interval, from_date_or_timestamp):
    return f"date_add({from_date_or_timestamp}, {interval} * interval 1 {datepart})"


def bool_or(expression):
    return f"bool_or({expression})"


def type_timestamp():
    return "timestamp"


def type_bigint():
    return "bigint"

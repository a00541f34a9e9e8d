"""Inserting many records of a model at once, faster than ``bulk_create``.

Measured with bench/import_speed.py: for the import's 20,000 rows (five records a row),
``bulk_create`` spent most of its time compiling SQL value by value, and on SQLite it cannot
put more than 999 values in one statement. Here each field's conversion is chosen once
(``get_db_prep_save``, as a save does, for the values a driver cannot take as they are: dates,
times, JSON), and the rows go in one ``executemany`` (SQLite) or ``execute_values`` pages
(PostgreSQL). Like ``bulk_create``, it sends no signals: the caller writes what they would
have written (the audit trail).
"""

from django.db import DEFAULT_DB_ALIAS, connections, models

PAGE = 1000
# Values the drivers take as Python gives them.
PLAIN = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
    models.AutoField,
)


def _converter(field, connection):
    if isinstance(field, PLAIN) and not isinstance(field, models.GenericIPAddressField):
        if isinstance(field, models.ForeignKey) and not isinstance(
            field.target_field, models.AutoField | models.IntegerField
        ):
            return lambda value: field.get_db_prep_save(value, connection)
        return None
    return lambda value: field.get_db_prep_save(value, connection)


def _execute(model, fields, rows) -> None:
    connection = connections[DEFAULT_DB_ALIAS]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    converters = [(i, c) for i, f in enumerate(fields) if (c := _converter(f, connection))]
    for row in rows:
        for i, convert in converters:
            row[i] = convert(row[i])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            from psycopg2.extras import execute_values

            # The driver's cursor, for execute_values; its errors as Django's (IntegrityError).
            with connection.wrap_database_errors:
                execute_values(
                    cursor.cursor,
                    f"INSERT INTO {table} ({columns}) VALUES %s",  # noqa: S608 - model's names
                    rows,
                    page_size=PAGE,
                )
        else:
            marks = ", ".join(["%s"] * len(fields))
            sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 - as above
            cursor.executemany(sql, rows)


def _new_ids(model, count: int) -> list[int]:
    """``count`` ids for new records of ``model`` from its PostgreSQL sequence."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def insert_many(objs: list[models.Model]) -> None:
    """Insert ``objs`` (new records of one model) and give each its id, for the records that
    refer to it. The auto_now fields are set as a save sets them."""
    if not objs:
        return
    model = type(objs[0])
    if connections[DEFAULT_DB_ALIAS].vendor == "postgresql":
        ids = _new_ids(model, len(objs))
    else:
        # SQLite: the first record through the ORM gives the next id and takes the database's
        # write lock, so that the ids after it are this transaction's to give.
        model.objects.bulk_create(objs[:1])
        ids = range(objs[0].pk, objs[0].pk + len(objs))
        objs, ids = objs[1:], ids[1:]
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
    fields = model._meta.concrete_fields
    rows = []
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="insert_many")
        rows.append([f.pre_save(obj, add=True) for f in fields])
        obj._state.adding = False
        obj._state.db = DEFAULT_DB_ALIAS
    if rows:
        _execute(model, fields, rows)


def insert_values(model, rows: list[dict]) -> None:
    """Insert records given as {field name: value} (the id and the defaults left out), for
    records nobody needs as objects afterwards (history lines, audit entries)."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    names = [f.attname for f in fields]
    _execute(model, fields, [[row.get(n, defaults[n]) for n in names] for row in rows])

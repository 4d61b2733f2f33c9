"""Demo data: the Xiangshan area tree (the `xiangshan_areas` fixture)."""

from django.core.management import call_command

from .models import Area


def seed(out) -> None:
    if Area.objects.exists():
        out.write("区划: 已存在,跳过")
        return
    call_command("loaddata", "xiangshan_areas", verbosity=0)
    # loaddata sets explicit ids; move the sequence past them for areas entered later.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT setval(pg_get_serial_sequence('areas_area', 'id'), (SELECT MAX(id) FROM areas_area))")
    out.write(f"区划: {Area.objects.count()} 个")

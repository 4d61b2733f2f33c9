from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Piece


@admin.register(Piece)
class PieceAdmin(SimpleHistoryAdmin):
    """Read-only: pieces change through the pages (publicity.services), which check scope and input."""

    list_display = ("title", "author", "medium", "level", "adopted", "date", "area")
    list_filter = ("level", "adopted")
    search_fields = ("title", "author", "medium")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

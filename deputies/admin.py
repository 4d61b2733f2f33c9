from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import CongressSession, CongressTerm, Deputy, DeputyHome, Mandate


class MandateInline(admin.TabularInline):
    model = Mandate
    extra = 0
    autocomplete_fields = ["term"]
    fields = ["term", "constituency", "area", "start_date", "end_date", "status", "is_first_time"]


class SessionInline(admin.TabularInline):
    model = CongressSession
    extra = 0


@admin.register(CongressTerm)
class CongressTermAdmin(admin.ModelAdmin):
    list_display = ["__str__", "level", "number", "start_year", "end_year", "is_current"]
    list_filter = ["level", "is_current"]
    search_fields = ["number"]
    inlines = [SessionInline]


@admin.register(CongressSession)
class CongressSessionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "term", "number", "date"]
    list_filter = ["term"]


@admin.register(Deputy)
class DeputyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "gender", "birth_date", "party", "workplace", "area", "user"]
    list_filter = ["gender", "party", "occupation", "mandates__term", "mandates__status", "area"]
    search_fields = ["name", "name_initials", "name_pinyin", "workplace", "id_number"]
    readonly_fields = ["name_pinyin", "name_initials", "created_at", "updated_at"]
    autocomplete_fields = ["user"]
    list_select_related = ["area", "user"]
    inlines = [MandateInline]
    fieldsets = [
        (None, {"fields": ["name", "gender", "ethnicity", "birth_date", "party", "education"]}),
        (_("工作"), {"fields": ["workplace", "occupation", "area"]}),
        (_("联系方式与证件"), {"fields": ["mobile", "id_number", "user"]}),
        (_("其他"), {"fields": ["note", "name_pinyin", "name_initials", "created_at", "updated_at"]}),
    ]


@admin.register(Mandate)
class MandateAdmin(SimpleHistoryAdmin):
    list_display = ["deputy", "term", "constituency", "area", "status", "is_first_time"]
    list_filter = ["term", "status", "is_first_time", "area"]
    search_fields = ["deputy__name", "constituency"]
    list_select_related = ["deputy", "term", "area"]
    raw_id_fields = ["deputy"]


@admin.register(DeputyHome)
class DeputyHomeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "area", "address", "contact_name"]
    list_filter = ["kind", "area"]
    search_fields = ["name", "address"]

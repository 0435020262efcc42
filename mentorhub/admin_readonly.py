"""Admin classes for records that only the product changes: no add, change or delete by hand.

Bookings, payments, notices, messages and the like are made by the product's flows and change only
through services (the admin's actions call them); editing a row would skip the audit trail, the
notices and the invariants those services keep.
"""

from django.contrib import admin


class ReadOnlyPermissions:
    """Mixed into a ModelAdmin or an inline: staff may look, never type."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyPermissions, admin.ModelAdmin):
    pass


class ReadOnlyInline(ReadOnlyPermissions, admin.TabularInline):
    extra = 0
    can_delete = False

from django.contrib import admin

from reviews.models import Review


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("mentor", "author", "rating", "created_at")
    list_filter = ("rating",)
    search_fields = ("comment", "author__email", "mentor__user__full_name")
    list_select_related = ("mentor__user", "author")

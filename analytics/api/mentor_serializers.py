"""Shapes of a mentor's analytics: the query window in, the figures out (validation only, no side effects)."""

from rest_framework import serializers

from analytics.mentor import SESSION_STATUSES


class WindowInput(serializers.Serializer):
    """``from`` and ``to``: local dates (YYYY-MM-DD), both inclusive; absent ones take the defaults."""

    def get_fields(self):
        # "from" is a Python keyword: the fields are named here rather than as class attributes.
        return {"from": serializers.DateField(required=False, input_formats=["iso-8601"]),
                "to": serializers.DateField(required=False, input_formats=["iso-8601"])}


class WeekOutput(serializers.Serializer):
    week_start = serializers.DateField(source="week", help_text="The week's Monday, in the mentor's zone.")
    sessions = serializers.IntegerField()


class MonthEarningsOutput(serializers.Serializer):
    month = serializers.DateField(help_text="The month's first day, in the mentor's zone.")
    currency = serializers.CharField()
    payments = serializers.IntegerField()
    paid = serializers.DecimalField(max_digits=12, decimal_places=2)
    refunded = serializers.DecimalField(max_digits=12, decimal_places=2)
    kept = serializers.DecimalField(max_digits=12, decimal_places=2, help_text="Paid less refunded.")


class MonthRatingOutput(serializers.Serializer):
    month = serializers.DateField(help_text="The month's first day, in the mentor's zone.")
    average = serializers.DecimalField(max_digits=3, decimal_places=2)
    reviews = serializers.IntegerField()


class LateCancellationsOutput(serializers.Serializer):
    by_mentee = serializers.IntegerField(source="late_cancellations_by_mentee")
    by_mentor = serializers.IntegerField(source="late_cancellations_by_mentor")
    window_hours = serializers.IntegerField(
        source="late_window_hours", help_text="Late: cancelled less than this many hours before the start.")


class HourCellOutput(serializers.Serializer):
    weekday = serializers.IntegerField(help_text="ISO weekday: 1 Monday … 7 Sunday, in the mentor's zone.")
    hour = serializers.IntegerField(help_text="Local hour of the start, 0–23.")
    sessions = serializers.IntegerField()


class BusiestHoursOutput(serializers.Serializer):
    by_hour = serializers.ListField(child=serializers.IntegerField(),
                                    help_text="24 numbers: sessions per local hour of the start, 0–23.")
    by_weekday = serializers.ListField(child=serializers.IntegerField(),
                                       help_text="7 numbers: sessions per weekday, Monday first.")
    cells = serializers.ListField(child=HourCellOutput(), source="busiest",
                                  help_text="Weekday-and-hour cells with sessions, busiest first.")


class MentorAnalyticsOutput(serializers.Serializer):
    def get_fields(self):
        return {
            "from": serializers.DateField(source="start"),
            "to": serializers.DateField(source="end"),
            "timezone": serializers.CharField(help_text="The zone every figure is grouped in (the mentor's)."),
            "session_statuses": serializers.SerializerMethodField(
                help_text="The booking statuses counted as sessions (weeks, hours, total)."),
            "total_sessions": serializers.IntegerField(),
            "sessions_per_week": WeekOutput(many=True),
            "earnings_per_month": MonthEarningsOutput(many=True),
            "rating_per_month": MonthRatingOutput(many=True),
            "no_shows": serializers.IntegerField(),
            "late_cancellations": LateCancellationsOutput(source="*"),
            "busiest_hours": BusiestHoursOutput(source="*"),
        }

    def get_session_statuses(self, obj) -> list[str]:
        return [str(status) for status in SESSION_STATUSES]


"""Input and output of ``GET analytics/overview``: the staff dashboard's figures as JSON."""

from datetime import timedelta

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from analytics.selectors import period_problem
from mentorhub.api.fields import DateField

MONEY = {"max_digits": 12, "decimal_places": 2}


class OverviewInput(serializers.Serializer):
    """``?from=&to=``: inclusive days in my time zone; both default to the last 30 days."""

    to = DateField(required=False)  # 1900..2200, as every date of the API

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = DateField(required=False)  # a Python keyword: declared here
        return fields

    def validate(self, attrs):
        today, start, end = self.context["today"], attrs.get("from"), attrs.get("to")
        end = end or (today if start is None or start <= today else start)
        start = start or end - timedelta(days=29)
        problem = period_problem(start, end)
        if problem:
            raise serializers.ValidationError({problem[0]: problem[1]})
        return {"start": start, "end": end}


class PeriodOutput(serializers.Serializer):
    start = serializers.DateField(help_text="First day (inclusive), in my zone.")
    end = serializers.DateField(help_text="Last day (inclusive).")


class MoneyOutput(serializers.Serializer):
    currency = serializers.CharField()
    payments = serializers.IntegerField()
    gross = serializers.DecimalField(**MONEY, help_text="Amounts of payments where money arrived.")
    refunds = serializers.DecimalField(**MONEY, help_text="What went back of them.")
    net = serializers.DecimalField(**MONEY, help_text="Gross less refunds.")


class CancelledByOutput(serializers.Serializer):
    mentee = serializers.IntegerField()
    mentor = serializers.IntegerField()
    staff = serializers.IntegerField()
    system = serializers.IntegerField(help_text="No actor: unpaid bookings released at their deadline, and the like.")
    other = serializers.IntegerField(help_text="Anyone else (none today).")


def _seconds(value: timedelta | None) -> int | None:
    return None if value is None else round(value.total_seconds())


class FiguresOutput(serializers.Serializer):
    created = serializers.IntegerField(help_text="Bookings made (holds).")
    confirmed = serializers.IntegerField(help_text="Requests a mentor accepted.")
    declined = serializers.IntegerField()
    expired = serializers.IntegerField(help_text="Requests left unanswered until their hold ran out.")
    completed = serializers.IntegerField()
    no_shows = serializers.IntegerField()
    no_show_rate = serializers.DecimalField(max_digits=5, decimal_places=4, allow_null=True,
                                            help_text="no_shows / (completed + no_shows); null when both are 0.")
    cancelled = serializers.IntegerField()
    cancelled_by = CancelledByOutput()
    responses = serializers.IntegerField(help_text="Requests answered (confirmed or declined).")
    response_median_seconds = serializers.SerializerMethodField(
        help_text="From the request to the mentor's answer; null without answers.")
    response_p90_seconds = serializers.SerializerMethodField(help_text="90th percentile (nearest rank).")
    searches = serializers.IntegerField(help_text="Searches (first page of results, page or API).")
    profile_views = serializers.IntegerField()
    holds = serializers.IntegerField(help_text="Bookings created (the same as created).")
    paid = serializers.IntegerField(help_text="Bookings created in the period whose payment went through.")
    money = serializers.SerializerMethodField()

    def get_response_median_seconds(self, figures) -> int | None:
        return _seconds(figures.response_median)

    def get_response_p90_seconds(self, figures) -> int | None:
        return _seconds(figures.response_p90)

    @extend_schema_field(MoneyOutput(many=True))
    def get_money(self, figures) -> list:
        return MoneyOutput(list(figures.money.values()), many=True).data


class DayOutput(serializers.Serializer):
    day = serializers.DateField()
    created = serializers.IntegerField()
    confirmed = serializers.IntegerField()
    completed = serializers.IntegerField()
    cancelled = serializers.IntegerField()


class DayMoneyOutput(MoneyOutput):
    day = serializers.DateField()


class TopMentorOutput(serializers.Serializer):
    mentor_id = serializers.IntegerField(help_text="A MentorProfile id.")
    name = serializers.CharField()
    email = serializers.EmailField()
    completed = serializers.IntegerField()


class TopEarnerOutput(serializers.Serializer):
    mentor_id = serializers.IntegerField(help_text="A MentorProfile id.")
    name = serializers.CharField()
    email = serializers.EmailField()
    currency = serializers.CharField()
    net = serializers.DecimalField(**MONEY)


class ApplicationOutput(serializers.Serializer):
    mentor_id = serializers.IntegerField(help_text="The pending MentorProfile's id.")
    name = serializers.CharField()
    email = serializers.EmailField()
    title = serializers.CharField()
    applied_at = serializers.DateTimeField()
    waiting_seconds = serializers.SerializerMethodField(help_text="How long it has waited for staff.")

    def get_waiting_seconds(self, application) -> int:
        return round(application.age(self.context["now"]).total_seconds())


class ApplicationsOutput(serializers.Serializer):
    count = serializers.IntegerField(help_text="All applications waiting.")
    items = ApplicationOutput(many=True, help_text="The oldest ones first (at most 25).")


class OverviewOutput(serializers.Serializer):
    time_zone = serializers.CharField(source="zone", help_text="The zone whose calendar days are counted (mine).")
    period = serializers.SerializerMethodField()
    previous_period = serializers.SerializerMethodField(help_text="The same number of days just before.")
    current = FiguresOutput(source="now")
    previous = FiguresOutput(source="before")
    bookings_per_day = DayOutput(many=True, source="days", help_text="Every day of the period.")
    revenue_per_day = serializers.SerializerMethodField(help_text="Every day of the period, per currency.")
    top_mentors_by_completed = TopMentorOutput(many=True, source="top_by_completed", help_text="Up to 10.")
    top_mentors_by_net = TopEarnerOutput(many=True, source="top_by_net", help_text="Up to 10 per currency.")
    applications_waiting = serializers.SerializerMethodField()
    generated_at = serializers.DateTimeField()

    @extend_schema_field(PeriodOutput)
    def get_period(self, overview) -> dict:
        return {"start": overview.current.start, "end": overview.current.end}

    @extend_schema_field(PeriodOutput)
    def get_previous_period(self, overview) -> dict:
        return {"start": overview.previous.start, "end": overview.previous.end}

    @extend_schema_field(DayMoneyOutput(many=True))
    def get_revenue_per_day(self, overview) -> list:
        rows = [{"day": day, "currency": m.currency, "payments": m.payments, "gross": m.gross,
                 "refunds": m.refunds, "net": m.net}
                for money in overview.revenue_days.values() for day, m in zip(overview.current.days, money,
                                                                              strict=True)]
        return DayMoneyOutput(rows, many=True).data

    @extend_schema_field(ApplicationsOutput)
    def get_applications_waiting(self, overview) -> dict:
        return ApplicationsOutput({"count": overview.applications_waiting, "items": overview.applications},
                                  context={"now": overview.generated_at}).data

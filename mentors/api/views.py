"""Thin DRF layer over mentors.services and mentors.selectors."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from mentorhub.api.throttles import CountedWithFirstRead
from mentorhub.errors import NotFound
from mentors import selectors, services
from mentors.api import serializers as s
from mentors.cache import cached_json, first_read_keys
from mentors.models import DateOverride, MentorProfile, Service, Skill, Slot

NEXT_TIMES_WINDOW = timedelta(days=21)
# The mentor's own endpoints answer 404 to users without a mentor profile, and 409 on state conflicts.
SELF_SERVICE_ERRORS = ["404", "409"]


def viewer_zone(request, explicit: str | None = None) -> ZoneInfo:
    if explicit:
        return ZoneInfo(explicit)
    user = request.user
    return ZoneInfo(user.timezone) if user.is_authenticated else timezone.get_current_timezone()


def _listed_or_404(pk: int, request) -> MentorProfile:
    mentor = selectors.mentor_for_viewer(mentor_id=pk, viewer=request.user)
    if mentor is None:
        raise NotFound(_("No such mentor."))
    return mentor


# --- public -----------------------------------------------------------------------------------


@extend_schema(tags=["mentors"], parameters=[s.SearchInput], summary="Search mentors")
class MentorListView(CountedWithFirstRead, ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = s.MentorCardSerializer
    filter_backends = []

    def get_queryset(self):
        data = dict(self.search.validated_data)
        return selectors.mentor_search(
            skills=data.pop("skill", []), viewer_tz=self.zone, **{k: v for k, v in data.items() if k != "tz"}
        )

    def paginate_queryset(self, queryset):
        return selectors.with_next_free_time(super().paginate_queryset(queryset))

    def list(self, request, *args, **kwargs):
        def build():  # only on a cache miss; a bad query raises here and is never cached
            params = {**request.query_params.dict(), "skill": request.query_params.getlist("skill")}
            self.search = s.SearchInput(data=params, context={"default_tz": viewer_zone(request).key})
            self.search.is_valid(raise_exception=True)
            self.zone = viewer_zone(request, self.search.validated_data.get("tz"))
            with timezone.override(self.zone):
                return super(MentorListView, self).list(request, *args, **kwargs).data

        return cached_json(request, scope="list", zone=self._zone(request), build=build, found=self.first_read)

    def _zone(self, request) -> str:
        # The list shows nothing viewer-specific, so everyone shares one cache entry per query.
        return request.query_params.get("tz") or viewer_zone(request).key

    def first_cache_read(self, request):
        return first_read_keys(request, scope="list", zone=self._zone(request))


@extend_schema(tags=["mentors"], parameters=[s.SkillQueryInput], summary="Skills to suggest as a search is typed")
class SkillSuggestionsView(CountedWithFirstRead, ListAPIView):
    """Skills that listed mentors have, matching part of a word in any case, the most offered first."""

    permission_classes = [AllowAny]
    serializer_class = s.SkillSuggestion
    filter_backends = []
    queryset = Skill.objects.none()  # names the model for the schema; get_queryset gives the rows

    def get_queryset(self):
        params = s.SkillQueryInput(data=self.request.query_params.dict())
        params.is_valid(raise_exception=True)
        return selectors.skill_suggestions(q=params.validated_data.get("q", ""))

    def list(self, request, *args, **kwargs):
        # Typing asks again and again for the same few prefixes: the shared catalogue cache answers most.
        return cached_json(request, scope="skills", zone="", found=self.first_read,
                           build=lambda: super(SkillSuggestionsView, self).list(request, *args, **kwargs).data)

    def first_cache_read(self, request):
        return first_read_keys(request, scope="skills", zone="")


@extend_schema(tags=["mentors"], summary="A mentor's profile, services, latest reviews and next bookable times")
class MentorDetailView(CountedWithFirstRead, GenericAPIView):
    permission_classes = [AllowAny]
    serializer_class = s.MentorDetailSerializer

    def get(self, request, pk: int):
        zone = viewer_zone(request)
        if not self._shared(request):
            return Response(self._build(request, pk, zone))  # may see unlisted profiles: never shared
        return cached_json(request, scope=f"detail:{pk}", zone=zone.key, found=self.first_read,
                           build=lambda: self._build(request, pk, zone))

    @staticmethod
    def _shared(request) -> bool:
        """Whether this viewer gets the profile everyone gets (not staff, not a mentor, who may see more)."""
        user = request.user
        return not (user.is_authenticated and (user.is_staff or hasattr(user, "mentor_profile")))

    def first_cache_read(self, request):
        if not self._shared(request):
            return None
        return first_read_keys(request, scope=f"detail:{self.kwargs['pk']}", zone=viewer_zone(request).key)

    def _build(self, request, pk: int, zone) -> dict:
        mentor = _listed_or_404(pk, request)
        now = timezone.now()
        mentor.latest_reviews = selectors.latest_reviews(mentor=mentor)
        mentor.next_times = selectors.bookable_times(
            mentor=mentor, window_start=now, window_end=now + NEXT_TIMES_WINDOW, now=now,
            service=next(iter(mentor.services.all()), None), limit=selectors.DETAIL_NEXT_TIMES,
        )
        mentor.next_free_at = mentor.next_times[0].start if mentor.next_times else None
        with timezone.override(zone):
            return self.get_serializer(mentor).data


WINDOW_PARAMETERS = [
    OpenApiParameter("from", OpenApiTypes.STR, description="Date (YYYY-MM-DD, in tz) or ISO time; default now."),
    OpenApiParameter("to", OpenApiTypes.STR, description="Date (inclusive) or ISO time; default from + 14 days."),
    OpenApiParameter("tz", OpenApiTypes.STR, description="IANA zone the times are shown in; default yours."),
]


@extend_schema(tags=["mentors"], parameters=[*WINDOW_PARAMETERS, OpenApiParameter("service_id", OpenApiTypes.INT)],
               responses={200: s.BookableTimeOutput(many=True)}, summary="Start times a mentee can book")
class MentorAvailabilityView(APIView):
    permission_classes = [AllowAny]
    extra_error_codes = ["404"]

    def get(self, request, pk: int):
        mentor = selectors.mentor_calendar_for_viewer(mentor_id=pk, viewer=request.user)
        if mentor is None:
            raise NotFound("No such mentor.")
        window = s.WindowInput(data=request.query_params.dict(), context={"default_tz": viewer_zone(request).key})
        window.is_valid(raise_exception=True)
        service = None
        if service_id := window.validated_data.get("service_id"):
            service = Service.objects.filter(mentor=mentor, pk=service_id, is_active=True).first()
            if service is None:
                raise NotFound(_("No such service for this mentor."))
        times = selectors.bookable_times(mentor=mentor, service=service, window_start=window.validated_data[
            "window_start"], window_end=window.validated_data["window_end"])
        with timezone.override(window.validated_data["zone"]):
            return Response(s.BookableTimeOutput(times, many=True).data)


@extend_schema(tags=["slots"], parameters=WINDOW_PARAMETERS, summary="A mentor's open future slots")
class MentorSlotsView(ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = s.SlotOutput
    queryset = Slot.objects.none()  # the model, for the schema; get_queryset picks the rows

    def get_queryset(self):
        mentor = _listed_or_404(self.kwargs["pk"], self.request)
        window = s.WindowInput(data=self.request.query_params.dict(),
                               context={"default_tz": viewer_zone(self.request).key})
        window.is_valid(raise_exception=True)
        return selectors.open_slots(mentor=mentor, start=window.validated_data["window_start"],
                                    end=window.validated_data["window_end"])


# --- applying ---------------------------------------------------------------------------------


class ApplyView(APIView):
    extra_error_codes = ["409"]

    @extend_schema(tags=["mentors"], request=s.ApplyInput, responses={201: s.ApplyOutput},
                   summary="Apply to become a mentor")
    def post(self, request):
        data = s.ApplyInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        profile = services.mentor_apply(user=request.user, timezone_name=fields.pop("timezone", None), **fields)
        body = {"id": profile.pk, "status": profile.status,
                "message": _("Your application was sent for review. We will e-mail you the decision.")}
        return Response(body, status=status.HTTP_201_CREATED)


# --- the mentor's own profile, services, hours and slots ----------------------------------------


@extend_schema(tags=["mentor self-service"])
class MyProfileView(GenericAPIView):
    extra_error_codes = SELF_SERVICE_ERRORS
    serializer_class = s.OwnProfileSerializer

    def get_object(self):
        profile = MentorProfile.objects.prefetch_related("skills").filter(user=self.request.user).first()
        if profile is None:
            raise NotFound(_("You have no mentor profile. Apply first."))
        return profile

    def get(self, request):
        return Response(self.get_serializer(self.get_object()).data)

    def put(self, request):
        return self._update(request, partial=False)

    def patch(self, request):
        return self._update(request, partial=True)

    def _update(self, request, partial):
        data = self.get_serializer(self.get_object(), data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        services.mentor_update_profile(user=request.user, **data.validated_data)
        return Response(self.get_serializer(self.get_object()).data)


@extend_schema(tags=["mentor self-service"])
class MyServicesView(ListAPIView):
    extra_error_codes = SELF_SERVICE_ERRORS
    serializer_class = s.ServiceSerializer
    queryset = Service.objects.none()  # the model, for the schema; get_queryset picks the rows

    def get_queryset(self):
        profile = _own_profile_or_404(self.request.user)
        return Service.objects.filter(mentor=profile).order_by("duration_minutes", "id")

    @extend_schema(responses={201: s.ServiceSerializer})
    def post(self, request):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        service = services.service_create(user=request.user, **data.validated_data)
        return Response(self.get_serializer(service).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["mentor self-service"])
class MyServiceDetailView(GenericAPIView):
    extra_error_codes = SELF_SERVICE_ERRORS
    serializer_class = s.ServiceSerializer

    def get_object(self):
        service = Service.objects.filter(mentor__user=self.request.user, pk=self.kwargs["pk"]).first()
        if service is None:
            raise NotFound(_("No such service."))
        return service

    def get(self, request, pk):
        return Response(self.get_serializer(self.get_object()).data)

    def put(self, request, pk):
        return self._update(request, pk, partial=False)

    def patch(self, request, pk):
        return self._update(request, pk, partial=True)

    def _update(self, request, pk, partial):
        data = self.get_serializer(self.get_object(), data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        service = services.service_update(user=request.user, service_id=pk, **data.validated_data)
        return Response(self.get_serializer(service).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        services.service_delete(user=request.user, service_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _own_profile_or_404(user) -> MentorProfile:
    profile = MentorProfile.objects.filter(user=user).prefetch_related("weekly_rules").first()
    if profile is None:
        raise NotFound(_("You have no mentor profile. Apply first."))
    return profile


@extend_schema(tags=["mentor self-service"], request=dict[str, list[str]], responses={200: dict[str, list[str]]},
               summary='Weekly hours in your zone: {"monday": ["10:00-18:00"], ...}',
               examples=[OpenApiExample("Weekly hours", response_only=True, value={
                   "monday": ["10:00-18:00"], "wednesday": ["09:00-12:00", "14:00-20:00"]})])
class MyWeeklyAvailabilityView(APIView):
    extra_error_codes = SELF_SERVICE_ERRORS
    def get(self, request):
        return Response(s.weekly_text(_own_profile_or_404(request.user)))

    def put(self, request):
        weekly = s.WeeklyField().run_validation(request.data)
        services.availability_replace(user=request.user, weekly=weekly)
        return Response(s.weekly_text(_own_profile_or_404(request.user)))


@extend_schema(tags=["mentor self-service"], request=s.OverridesSerializer, responses={200: s.OverridesSerializer},
               summary="Date overrides from today on (other hours, or [] for a day off)")
class MyOverridesView(APIView):
    extra_error_codes = SELF_SERVICE_ERRORS
    def _current(self, request):
        profile = _own_profile_or_404(request.user)
        rows = DateOverride.objects.filter(mentor=profile, date__gte=timezone.localdate()).order_by("date")
        return {"overrides": [{"date": row.date, "ranges": row.ranges} for row in rows]}

    def get(self, request):
        return Response(s.OverridesSerializer(self._current(request)).data)

    def put(self, request):
        data = s.OverridesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.overrides_replace(user=request.user, overrides=data.validated_data["overrides"])
        return Response(s.OverridesSerializer(self._current(request)).data)


@extend_schema(tags=["slots"])
class MySlotsView(ListAPIView):
    serializer_class = s.SlotOutput
    extra_error_codes = SELF_SERVICE_ERRORS
    queryset = Slot.objects.none()  # the model, for the schema; get_queryset picks the rows

    def get_queryset(self):
        profile = _own_profile_or_404(self.request.user)
        return Slot.objects.filter(mentor=profile, is_active=True, end__gt=timezone.now()).order_by("start", "id")

    @extend_schema(request=s.SlotInput, responses={201: s.SlotOutput}, summary="Publish a slot (quota = seats)")
    def post(self, request):
        data = s.SlotInput(data=request.data)
        data.is_valid(raise_exception=True)
        slot = services.slot_create(user=request.user, **data.validated_data)
        return Response(s.SlotOutput(slot).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["slots"])
class MySlotDetailView(GenericAPIView):
    serializer_class = s.SlotOutput
    extra_error_codes = SELF_SERVICE_ERRORS

    def get_object(self):
        slot = Slot.objects.filter(mentor__user=self.request.user, is_active=True, pk=self.kwargs["pk"]).first()
        if slot is None:
            raise NotFound(_("No such slot."))
        return slot

    def get(self, request, pk):
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request=s.SlotInput, summary="Move a slot or change its quota")
    def put(self, request, pk):
        return self.patch(request, pk)

    @extend_schema(request=s.SlotInput, summary="Move a slot or change its quota")
    def patch(self, request, pk):
        data = s.SlotInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = {k: v for k, v in data.validated_data.items() if k in ("start", "capacity")}
        slot = services.slot_update(user=request.user, slot_id=pk, **fields)
        return Response(self.get_serializer(slot).data)

    @extend_schema(responses={204: None}, summary="Withdraw a slot nobody booked")
    def delete(self, request, pk):
        services.slot_delete(user=request.user, slot_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)

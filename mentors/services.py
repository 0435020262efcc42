"""Mentor use cases: applying, moderation, self-service profile, services, hours and slots."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from mentorhub.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from mentorhub.i18n import speaking_to
from mentorhub.queue import enqueue_on_commit
from mentors import tasks
from mentors.availability import AvailabilityError, parse_weekly
from mentors.models import (
    MAX_PRICE,
    MAX_PRICE_MESSAGE,
    DateOverride,
    MentorProfile,
    Service,
    Skill,
    Slot,
    WeeklyRule,
)
from notifications.services import notification_send

PROFILE_FIELDS = (
    "title", "description", "company", "price_per_hour", "currency", "timezone", "requires_confirmation",
    "confirm_reschedules", "min_notice_minutes", "buffer_minutes", "default_session_minutes", "hold_minutes",
    "accepts_bookings", "full_refund_hours", "late_refund_percent",
)
MAX_SKILLS = 20


def _skills_from_names(names: list[str]) -> list[Skill]:
    skills, seen = [], set()
    for raw in names:
        name = " ".join(str(raw).split())[:64]
        slug = slugify(name)[:64]
        if not slug:
            raise InvalidInput(_("%(name)s is not a skill name.") % {"name": repr(raw)}, field="skills")
        if slug in seen:
            continue
        seen.add(slug)
        skill, _created = Skill.objects.get_or_create(slug=slug, defaults={"name": name})
        skills.append(skill)
    if len(skills) > MAX_SKILLS:
        raise InvalidInput(_("At most %(count)d skills.") % {"count": MAX_SKILLS}, field="skills")
    return skills


def _weekly_rules(weekly_text: dict) -> dict:
    try:
        return parse_weekly(weekly_text)
    except AvailabilityError as exc:
        raise InvalidInput(_(exc.template) % exc.params, field=exc.field) from exc


def _replace_weekly_rules(profile: MentorProfile, weekly) -> None:
    WeeklyRule.objects.filter(mentor=profile).delete()
    WeeklyRule.objects.bulk_create(
        WeeklyRule(mentor=profile, weekday=day, start_time=r.start, end_time=r.end)
        for day, ranges in weekly.items()
        for r in ranges
    )


def _tell_applicant_on_commit(profile_id: int) -> None:
    enqueue_on_commit(tasks.send_application_decision, profile_id)


@transaction.atomic
def mentor_apply(
    *, user: User, title: str, description: str = "", skills: list[str] = (), price_per_hour: Decimal,
    availability: dict | None = None, company: str = "", timezone_name: str | None = None,
    currency: str | None = None,
) -> MentorProfile:
    """A user asks to become a mentor; staff review the pending profile.

    Refused while an application is pending or once approved; a rejected
    applicant may apply again, which puts the same profile back in review.
    """
    weekly = _weekly_rules(availability) if availability is not None else None
    profile = MentorProfile.objects.select_for_update().filter(user=user).first()
    if profile is not None and profile.status == MentorProfile.Status.PENDING:
        raise Conflict(_("Your application is already waiting for review."))
    if profile is not None and profile.status == MentorProfile.Status.APPROVED:
        raise Conflict(_("You are already an approved mentor."))
    if profile is not None and profile.status == MentorProfile.Status.SUSPENDED:
        raise Conflict(_("Your mentor profile is suspended; staff can reinstate it."))
    profile = profile or MentorProfile(user=user)
    profile.title = title
    profile.description = description
    profile.company = company
    profile.price_per_hour = price_per_hour
    if currency:
        profile.currency = currency
    profile.timezone = timezone_name or user.timezone
    profile.status = MentorProfile.Status.PENDING
    profile.rejection_reason = ""
    profile.reviewed_at = None
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError as exc:  # a concurrent first application won
        raise Conflict(_("Your application is already waiting for review.")) from exc
    profile.skills.set(_skills_from_names(list(skills)))
    if weekly is not None:
        _replace_weekly_rules(profile, weekly)
    return profile


def _lock_for_review(profile_id: int, actor: User) -> MentorProfile:
    if not actor.is_staff:
        raise PermissionDenied(_("Only staff review mentor applications."))
    try:
        return MentorProfile.objects.select_for_update().select_related("user").get(pk=profile_id)
    except MentorProfile.DoesNotExist as exc:
        raise NotFound(_("No such mentor application.")) from exc


@transaction.atomic
def mentor_approve(*, profile_id: int, actor: User) -> MentorProfile:
    """Staff approve an application: the profile is listed and the user becomes a mentor."""
    profile = _lock_for_review(profile_id, actor)
    if profile.status == MentorProfile.Status.APPROVED:
        return profile
    _refuse_if_suspended(profile)
    profile.status = MentorProfile.Status.APPROVED
    profile.rejection_reason = ""
    profile.reviewed_at = timezone.now()
    profile.save(update_fields=["status", "rejection_reason", "reviewed_at", "updated_at"])
    if profile.user.role == User.Role.STUDENT:
        profile.user.role = User.Role.MENTOR
        profile.user.save(update_fields=["role", "updated_at"])
    _tell_applicant_on_commit(profile.pk)
    return profile


@transaction.atomic
def mentor_reject(*, profile_id: int, actor: User, reason: str) -> MentorProfile:
    """Staff turn an application down, saying why; the applicant may apply again."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why the application is rejected."), field="reason")
    profile = _lock_for_review(profile_id, actor)
    _refuse_if_suspended(profile)
    profile.status = MentorProfile.Status.REJECTED
    profile.rejection_reason = reason
    profile.reviewed_at = timezone.now()
    profile.save(update_fields=["status", "rejection_reason", "reviewed_at", "updated_at"])
    _tell_applicant_on_commit(profile.pk)
    return profile


def _refuse_if_suspended(profile: MentorProfile) -> None:
    # Approving or rejecting would quietly end a suspension; that takes its own decision (mentor_reinstate).
    if profile.status == MentorProfile.Status.SUSPENDED:
        raise Conflict(_("This mentor is suspended; reinstate them instead."))


@transaction.atomic
def mentor_suspend(*, profile_id: int, actor: User, reason: str) -> MentorProfile:
    """Staff take an approved mentor off the site, saying why; the mentor is told.

    A suspended mentor is no longer listed, has no public profile and cannot be booked (every check for
    ``approved`` refuses them). Sessions already booked are left as they are: staff cancel any of them one by one.
    """
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why the mentor is suspended."), field="reason")
    profile = _lock_for_review(profile_id, actor)
    if profile.status != MentorProfile.Status.APPROVED:
        raise Conflict(_("Only an approved mentor can be suspended."))
    profile.status = MentorProfile.Status.SUSPENDED
    profile.suspended_at = timezone.now()
    profile.suspended_by = actor
    profile.suspension_reason = reason
    profile.save(update_fields=["status", "suspended_at", "suspended_by", "suspension_reason", "updated_at"])
    with speaking_to(profile.user):
        title = _("Your mentor profile is suspended")
        body = _("Mentees can no longer find or book you; sessions already booked stay as they are. "
                 "Reason: %(reason)s") % {"reason": reason}
    notification_send(user=profile.user, kind="mentor.suspended", title=title, body=body,
                      link=reverse("mentors:dashboard"))
    return profile


@transaction.atomic
def mentor_reinstate(*, profile_id: int, actor: User) -> MentorProfile:
    """Staff end a suspension: the mentor is approved, listed and bookable again, and is told."""
    profile = _lock_for_review(profile_id, actor)
    if profile.status != MentorProfile.Status.SUSPENDED:
        raise Conflict(_("This mentor is not suspended."))
    profile.status = MentorProfile.Status.APPROVED
    profile.suspended_at = None
    profile.suspended_by = None
    profile.suspension_reason = ""
    profile.save(update_fields=["status", "suspended_at", "suspended_by", "suspension_reason", "updated_at"])
    with speaking_to(profile.user):
        title = _("Your mentor profile is back")
        body = _("Mentees can find and book you again.")
    notification_send(user=profile.user, kind="mentor.reinstated", title=title, body=body,
                      link=reverse("mentors:dashboard"))
    return profile


def _own_profile(user: User, *, lock: bool = False) -> MentorProfile:
    queryset = MentorProfile.objects.select_for_update() if lock else MentorProfile.objects
    profile = queryset.filter(user=user).first()
    if profile is None:
        raise NotFound(_("You have no mentor profile. Apply first."))
    return profile


@transaction.atomic
def mentor_update_profile(*, user: User, skills: list[str] | None = None, **changes) -> MentorProfile:
    """The mentor edits their own profile and booking settings."""
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise InvalidInput(_("%(fields)s cannot be changed here.") % {"fields": ", ".join(sorted(unknown))},
                           field=sorted(unknown)[0])
    profile = _own_profile(user, lock=True)
    for name, value in changes.items():
        setattr(profile, name, value)
    profile.save()
    if skills is not None:
        profile.skills.set(_skills_from_names(skills))
    return profile


# --- services (what a mentor offers) ------------------------------------------------------


def _own_service(profile: MentorProfile, service_id: int, *, lock: bool = False) -> Service:
    queryset = Service.objects.select_for_update() if lock else Service.objects
    service = queryset.filter(mentor=profile, pk=service_id).first()
    if service is None:
        raise NotFound(_("No such service."))
    return service


@transaction.atomic
def service_create(*, user: User, **fields) -> Service:
    """Add an offering; its price defaults to the hourly rate for its length."""
    profile = _own_profile(user, lock=True)
    if fields.get("price") is None:
        fields["price"] = (profile.price_per_hour * fields["duration_minutes"] / 60).quantize(Decimal("0.01"))
        if fields["price"] > MAX_PRICE:
            raise InvalidInput(_("At your hourly rate this would cost %(price)s. %(limit)s Give the service its own "
                                 "price.") % {"price": f"{fields['price']:,}", "limit": MAX_PRICE_MESSAGE},
                               field="price")
    return Service.objects.create(mentor=profile, **fields)


@transaction.atomic
def service_update(*, user: User, service_id: int, **changes) -> Service:
    profile = _own_profile(user)
    service = _own_service(profile, service_id, lock=True)
    for name, value in changes.items():
        setattr(service, name, value)
    service.save()
    return service


@transaction.atomic
def service_delete(*, user: User, service_id: int) -> None:
    """Remove an offering; one that slots already use is retired instead, keeping their history."""
    profile = _own_profile(user)
    service = _own_service(profile, service_id, lock=True)
    try:
        with transaction.atomic():
            service.delete()
    except ProtectedError:
        service.is_active = False
        service.save(update_fields=["is_active"])


# --- weekly hours and date overrides ---------------------------------------------------------


@transaction.atomic
def availability_replace(*, user: User, weekly: dict) -> MentorProfile:
    """Replace the mentor's weekly hours with ``{"monday": ["10:00-18:00"], ...}``."""
    rules = _weekly_rules(weekly)
    profile = _own_profile(user, lock=True)
    _replace_weekly_rules(profile, rules)
    return profile


@transaction.atomic
def overrides_replace(*, user: User, overrides: list[dict], today: date | None = None) -> MentorProfile:
    """Replace the mentor's date overrides from today on: ``[{"date": d, "ranges": [...]}]``; [] is a day off."""
    profile = _own_profile(user, lock=True)
    today = today or timezone.localdate()
    seen = set()
    rows = []
    for index, item in enumerate(overrides):
        day = item["date"]
        if day < today:
            raise InvalidInput(_("Overrides must be for today or later."), field=f"overrides.{index}.date")
        if day in seen:
            raise InvalidInput(_("%(day)s is listed twice.") % {"day": day}, field=f"overrides.{index}.date")
        seen.add(day)
        try:  # one date follows the same rules as one weekday
            ranges = parse_weekly({"monday": list(item.get("ranges", []))}).get(0, [])
        except AvailabilityError as exc:
            raise InvalidInput(_(exc.template) % exc.params, field=f"overrides.{index}.ranges") from exc
        rows.append(DateOverride(mentor=profile, date=day, ranges_text=",".join(str(r) for r in ranges)))
    DateOverride.objects.filter(mentor=profile, date__gte=today).delete()
    DateOverride.objects.bulk_create(rows)
    return profile


# --- slots --------------------------------------------------------------------------------


def _overlapping_live_slots(profile: MentorProfile, start: datetime, end: datetime, exclude_id: int | None = None):
    clash = Slot.objects.filter(mentor=profile, is_active=True, start__lt=end, end__gt=start)
    return clash.exclude(pk=exclude_id) if exclude_id else clash


def _save_slot(slot: Slot) -> Slot:
    try:
        with transaction.atomic():
            slot.save()
    except IntegrityError as exc:  # PostgreSQL's exclusion constraint: a concurrent overlapping slot won
        raise Conflict(_("You already have a slot at that time.")) from exc
    return slot


@transaction.atomic
def slot_create(
    *, user: User, start: datetime, service_id: int | None = None, duration_minutes: int | None = None,
    capacity: int | None = None, now: datetime | None = None,
) -> Slot:
    """Publish a slot (a group slot when capacity > 1). Never in the past, never overlapping another live slot.

    Its length is the duration given, else the service's, else the mentor's ``default_session_minutes``.
    """
    now = now or timezone.now()
    profile = _own_profile(user, lock=True)  # serialises this mentor's slot writes
    service = _own_service(profile, service_id) if service_id is not None else None
    if service is not None and not service.is_active:
        raise InvalidInput(_("That service is retired."), field="service_id")
    minutes = duration_minutes or (service.duration_minutes if service else profile.default_session_minutes)
    if start <= now:
        raise InvalidInput(_("A slot cannot start in the past."), field="start")
    end = start + timedelta(minutes=minutes)
    if _overlapping_live_slots(profile, start, end).exists():
        raise Conflict(_("You already have a slot at that time."))
    seats = capacity or (service.capacity if service else 1)
    return _save_slot(Slot(mentor=profile, service=service, start=start, end=end, capacity=seats))


def _own_slot(profile: MentorProfile, slot_id: int) -> Slot:
    slot = Slot.objects.select_for_update().filter(mentor=profile, pk=slot_id, is_active=True).first()
    if slot is None:
        raise NotFound(_("No such slot."))
    return slot


@transaction.atomic
def slot_update(
    *, user: User, slot_id: int, start: datetime | None = None, capacity: int | None = None,
    now: datetime | None = None,
) -> Slot:
    """Move a slot or change its quota. A slot with bookings is moved by rescheduling them, not here."""
    now = now or timezone.now()
    profile = _own_profile(user, lock=True)
    slot = _own_slot(profile, slot_id)
    if slot.end <= now:
        raise InvalidInput(_("This slot is over and can no longer change."), field="start")
    if capacity is not None:
        if capacity < slot.seats_taken:
            raise Conflict(ngettext("%(count)d seat is already taken; the quota cannot go below that.",
                                    "%(count)d seats are already taken; the quota cannot go below that.",
                                    slot.seats_taken) % {"count": slot.seats_taken})
        slot.capacity = capacity
    if start is not None and start != slot.start:
        if slot.seats_taken:
            raise Conflict(_("This slot has bookings; reschedule them instead of moving the slot."))
        if start <= now:
            raise InvalidInput(_("A slot cannot start in the past."), field="start")
        length = slot.end - slot.start
        if _overlapping_live_slots(profile, start, start + length, exclude_id=slot.pk).exists():
            raise Conflict(_("You already have a slot at that time."))
        slot.start, slot.end = start, start + length
    return _save_slot(slot)


@transaction.atomic
def slot_delete(*, user: User, slot_id: int) -> None:
    """Withdraw a slot that nobody has booked."""
    profile = _own_profile(user, lock=True)
    slot = _own_slot(profile, slot_id)
    if slot.seats_taken:
        raise Conflict(_("This slot has bookings; cancel or reschedule them first."))
    try:
        with transaction.atomic():
            slot.delete()
    except ProtectedError:  # bookings that ended keep their slot for history
        slot.is_active = False
        slot.save(update_fields=["is_active", "updated_at"])


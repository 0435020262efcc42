"""Forms of the course pages: they validate what was typed; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from courses.models import Course, Lesson
from mentors.currencies import CURRENCY_CHOICES
from mentors.models import MAX_PRICE

ORDERING_CHOICES = [("rating", _("Best rated")), ("popular", _("Most popular")), ("newest", _("Newest")),
                    ("price", _("Price: low to high")), ("-price", _("Price: high to low"))]


class CatalogueForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": _("Python, SQL, interviews…"),
                                                      "type": "search"}))
    category = forms.SlugField(required=False, max_length=64, label=_("Category"),
                               help_text=_("e.g. programming or python"))
    level = forms.ChoiceField(required=False, label=_("Level"), choices=[("", _("Any level")), *Course.Level.choices])
    min_price = forms.DecimalField(label=_("Price from"), required=False, min_value=0, max_value=MAX_PRICE,
                                   max_digits=10, decimal_places=2)
    max_price = forms.DecimalField(label=_("Price up to"), required=False, min_value=0, max_value=MAX_PRICE,
                                   max_digits=10, decimal_places=2)
    ordering = forms.ChoiceField(label=_("Sort by"), required=False, choices=ORDERING_CHOICES)

    def clean(self):
        data = super().clean()
        low, high = data.get("min_price"), data.get("max_price")
        if low is not None and high is not None and low > high:
            self.add_error("max_price", _("The upper price is below the lower one."))
        return data

    def filters(self) -> dict:
        data = self.cleaned_data
        return {"category": data.get("category") or None, "level": data.get("level") or None,
                "q": data.get("q") or None, "min_price": data.get("min_price"),
                "max_price": data.get("max_price"), "ordering": data.get("ordering") or "rating"}


class CourseForm(forms.Form):
    title = forms.CharField(max_length=150, label=_("Title"))
    category = forms.SlugField(max_length=64, label=_("Category"),
                               help_text=_('A broad area as a slug, e.g. "programming".'))
    description = forms.CharField(required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 5}),
                                  label=_("Description"))
    skills = forms.CharField(required=False, max_length=500, label=_("Skills"),
                             help_text=_("Comma-separated: Python, Django"))
    level = forms.ChoiceField(choices=Course.Level.choices, label=_("Level"))
    price = forms.DecimalField(min_value=0, max_value=MAX_PRICE, max_digits=10, decimal_places=2, initial=0,
                               label=_("Price"), help_text=_("0: free."))
    currency = forms.ChoiceField(choices=CURRENCY_CHOICES, label=_("Currency"))

    @classmethod
    def initial_for(cls, course: Course) -> dict:
        return {"title": course.title, "category": course.category, "description": course.description,
                "skills": ", ".join(skill.name for skill in course.skills.all()), "level": course.level,
                "price": course.price, "currency": course.currency}

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data["skills"] = [name.strip() for name in data["skills"].split(",") if name.strip()]
        return data


class LessonForm(forms.Form):
    title = forms.CharField(max_length=200, label=_("Title"))
    body = forms.CharField(required=False, max_length=100_000, widget=forms.Textarea(attrs={"rows": 12}),
                           label=_("Body"), help_text=_("Markdown."))
    video_url = forms.URLField(label=_("Video URL"), required=False, assume_scheme="https",
                               help_text=_("Shown to learners as a link to the video."))
    estimated_minutes = forms.IntegerField(min_value=1, max_value=24 * 60, initial=10,
                                           label=_("Estimated minutes"))
    is_preview = forms.BooleanField(label=_("Free preview (open to everyone)"), required=False)

    @classmethod
    def initial_for(cls, lesson: Lesson) -> dict:
        return {name: getattr(lesson, name) for name in cls.base_fields}

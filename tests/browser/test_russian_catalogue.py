"""The catalogue, a mentor's profile and the courses in Russian fit a phone and a laptop (issue 17): Russian words
are longer, so no page may scroll sideways and no button, badge, chip or time may spill out of its box."""

from django.conf import settings
from django.core.management import call_command
from django.test import Client

from courses.models import Course
from mentors.models import MentorProfile
from tests.browser.support import watch

WIDTHS = (390, 1280)
# Boxes whose text would spill out rather than wrap.
BOXES = "main button, main .btn, main .badge, main .chip, main .time-chip, main .week-day-name, main th, main label"
SPILLING = f"""() => [...document.querySelectorAll('{BOXES}')]
    .filter(el => el.offsetParent && el.scrollWidth > el.clientWidth + 1)
    .map(el => el.tagName + '.' + el.className + ': ' + el.textContent.trim().slice(0, 40))"""


def test_russian_catalogue_pages_fit_a_phone_and_a_laptop(browser, live_server, transactional_db):
    call_command("seed_demo", password="a-long-and-unusual-passphrase", verbosity=0)
    alexey = MentorProfile.objects.get(user__email="alexey.mentor@mentorhub.local")
    context = browser.new_context(base_url=live_server.url, timezone_id="Europe/Moscow", locale="ru-RU",
                                  extra_http_headers={"Accept-Language": "ru"})
    # Signed in as Алексей (his profile says Russian) without the login form, which is another part of the product.
    client = Client()
    client.force_login(alexey.user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
    course = Course.objects.filter(status=Course.Status.PUBLISHED).first()
    tab = context.new_page()
    problems = watch(tab)
    faults = []
    for width in WIDTHS:
        tab.set_viewport_size({"width": width, "height": 900})
        for path in ("/mentors/", f"/mentors/{alexey.pk}/", "/courses/", f"/courses/{course.pk}/",
                     "/mentor/dashboard/", "/mentor/courses/"):
            assert tab.goto(path).status == 200
            assert tab.locator("html").get_attribute("lang") == "ru"
            if tab.evaluate("document.documentElement.scrollWidth") > width:
                faults.append(f"{path} at {width} px scrolls sideways")
            faults += [f"{path} at {width} px: {box}" for box in tab.evaluate(SPILLING)]
    main = tab.locator("main").inner_text()
    assert "Мои курсы" in main and "My courses" not in main
    context.close()
    assert faults == []
    assert problems == []

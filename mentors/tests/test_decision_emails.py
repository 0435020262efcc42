"""The applicant's decision e-mail: the text part shows what people typed, the HTML part escapes it."""

import pytest

from mentors import services
from mentors.tests.factories import MentorProfileFactory

pytestmark = pytest.mark.django_db

TITLE = "Senior <i>Python</i> & Django"


def _decide(decide, mentee, staff, django_capture_on_commit_callbacks, **kwargs):
    mentee.full_name = "Siobhán O'Brien"
    mentee.save(update_fields=["full_name"])
    profile = MentorProfileFactory(user=mentee, status="pending", title=TITLE)
    with django_capture_on_commit_callbacks(execute=True):
        decide(profile_id=profile.pk, actor=staff, **kwargs)


def test_the_approval_text_part_is_plain_text_and_its_html_part_escapes(
        mentee, staff, mailoutbox, django_capture_on_commit_callbacks):
    _decide(services.mentor_approve, mentee, staff, django_capture_on_commit_callbacks)
    [message] = mailoutbox
    assert 'as "Senior <i>Python</i> & Django" was approved' in message.body
    assert "Hello Siobhán O'Brien," in message.body
    assert "&lt;" not in message.body and "&amp;" not in message.body and "&#x27;" not in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "<strong>Senior &lt;i&gt;Python&lt;/i&gt; &amp; Django</strong>" in html


def test_the_rejection_text_part_shows_the_reason_as_written(
        mentee, staff, mailoutbox, django_capture_on_commit_callbacks):
    _decide(services.mentor_reject, mentee, staff, django_capture_on_commit_callbacks,
            reason='Say more than "<b>hi</b>" & we\'ll look again.')
    [message] = mailoutbox
    assert 'Reason: Say more than "<b>hi</b>" & we\'ll look again.' in message.body
    assert "&lt;b&gt;hi&lt;/b&gt;" in message.alternatives[0][0]

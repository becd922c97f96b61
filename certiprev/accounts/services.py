"""Invitation e-mails for new members and trainers (the enqueue helper is in tasks.py)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .models import User
from .tokens import INVITATION_DAYS, invitation_token_generator


def invitation_url(user: User) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = invitation_token_generator.make_token(user)
    return settings.SITE_URL + reverse("www:invitation", kwargs={"uidb64": uidb64, "token": token})


def invitation_send(*, user_id: int, context_line: str) -> bool:
    """Send the invitation e-mail (password set-up link) to an active account; False when there is none."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    context = {
        "user": user,
        "url": invitation_url(user),
        "context_line": context_line,
        "days": INVITATION_DAYS,
        "has_password": user.has_usable_password(),
    }
    subject = render_to_string("www/accounts/email/invitation_subject.txt", context).strip()
    text = render_to_string("www/accounts/email/invitation.txt", context)
    html = render_to_string("www/accounts/email/invitation.html", context)
    message = EmailMultiAlternatives(subject, text, to=[user.email])
    message.attach_alternative(html, "text/html")
    message.send()
    return True

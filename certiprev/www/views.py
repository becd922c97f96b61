from django.shortcuts import redirect

from certiprev.organisations.selectors import all_provisional
from certiprev.www.common import roles


def home(request):
    """Send each person to the page of their daily work."""
    if not request.user.is_authenticated:
        return redirect("www:login")
    user_roles = roles(request)
    if user_roles.is_member:
        # A correspondent still signing up has no session to run yet: their work is the initial request.
        if all_provisional(user_roles.organisation_ids):
            return redirect("www:request_list")
        return redirect("www:dashboard")
    if user_roles.is_trainer:
        return redirect("www:trainer_home")
    if user_roles.is_network_staff:
        return redirect("www:network_home")
    return redirect("www:account")

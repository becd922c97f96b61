from django.urls import reverse
from certiprev.habilitations.enums import RequestState


def test_pages(as_user, instructor, cnh_member, network_admin, make_request):
    r = make_request(RequestState.TRANSMITTED)
    for u in (instructor, cnh_member, network_admin):
        c = as_user(u)
        for url in (reverse("www:network_home"), reverse("www:network_requests"), reverse("www:network_request", args=[r.public_id])):
            resp = c.get(url)
            assert resp.status_code == 200, (url, resp.status_code)
    c = as_user(network_admin)
    for url in (reverse("www:network_staff"), reverse("www:network_schemes"), reverse("www:network_organisation", args=[r.organisation.public_id])):
        assert c.get(url).status_code == 200

from django.urls import path

from . import views
from .accounts import views as accounts
from .directory import views as directory
from .habilitations.views import organisation as org_pages
from .habilitations.views import renewal as habilitations
from .habilitations.views import requests as request_pages
from .help import views as help_views
from .network import views as network
from .organisation.views import dashboard, duplicates, history, imports, previous_cards, session_form, session_page
from .organisation.views import transitions as session_transitions
from .signup import views as signup
from .trainer import views as trainer

app_name = "www"

urlpatterns = [
    path("", views.home, name="home"),
    # Accounts
    path("connexion/", accounts.SignInView.as_view(), name="login"),
    path("deconnexion/", accounts.SignOutView.as_view(), name="logout"),
    path("mot-de-passe/oublie/", accounts.ResetView.as_view(), name="password_reset"),
    path("mot-de-passe/oublie/envoye/", accounts.ResetDoneView.as_view(), name="password_reset_done"),
    path("mot-de-passe/nouveau/<uidb64>/<token>/", accounts.ResetConfirmView.as_view(), name="password_reset_confirm"),
    path("mot-de-passe/nouveau/termine/", accounts.ResetCompleteView.as_view(), name="password_reset_complete"),
    path("invitation/<uidb64>/<token>/", accounts.InvitationView.as_view(), name="invitation"),
    path("inscription/", signup.signup, name="signup"),
    path("inscription/envoyee/", signup.signup_sent, name="signup_sent"),
    path("inscription/confirmer/<str:token>/", signup.signup_confirm_view, name="signup_confirm"),
    path("compte/", accounts.account, name="account"),
    path("compte/jetons/", accounts.account_token_create, name="account_token_create"),
    path("compte/jetons/<int:token_id>/revoquer/", accounts.account_token_revoke, name="account_token_revoke"),
    path("compte/mot-de-passe/", accounts.ChangePasswordView.as_view(), name="password_change"),
    # Training organisation
    path("sessions/", dashboard.dashboard, name="dashboard"),
    path("sessions/nouvelle/", session_form.training_create, name="training_create"),
    path("sessions/historique/", history.history, name="history"),
    path("sessions/historique.csv", history.history_csv, name="history_csv"),
    path("sessions/modele-stagiaires.xlsx", imports.import_template, name="import_template"),
    path("sessions/<uuid:public_id>/", session_page.training_detail, name="training_detail"),
    path(
        "sessions/<uuid:public_id>/certificats/",
        session_page.training_certificates_fragment,
        name="training_certificates_fragment",
    ),
    path(
        "sessions/<uuid:public_id>/certificats/envoyer-par-e-mail/",
        duplicates.training_cards_email_view,
        name="training_cards_email",
    ),
    path("sessions/<uuid:public_id>/modifier/", session_form.training_edit, name="training_edit"),
    path("sessions/<uuid:public_id>/soumettre/", session_transitions.training_submit, name="training_submit"),
    path("sessions/<uuid:public_id>/reprendre/", session_transitions.training_withdraw, name="training_withdraw"),
    path("sessions/<uuid:public_id>/annuler/", session_transitions.training_cancel, name="training_cancel"),
    path("sessions/<uuid:public_id>/cloturer/", session_transitions.training_close, name="training_close"),
    path("sessions/<uuid:public_id>/stagiaires/ajouter/", session_page.trainee_add, name="trainee_add"),
    path("sessions/<uuid:public_id>/stagiaires/importer/", imports.trainee_import_view, name="trainee_import"),
    path(
        "sessions/<uuid:public_id>/stagiaires/<uuid:trainee_id>/modifier/",
        session_page.trainee_edit,
        name="trainee_edit",
    ),
    path(
        "sessions/<uuid:public_id>/stagiaires/<uuid:trainee_id>/retirer/",
        session_page.trainee_remove,
        name="trainee_remove",
    ),
    # Certificates of the session (downloads: certiprev/www/downloads/urls.py) and MAC previous cards
    path(
        "sessions/<uuid:public_id>/certificats/<uuid:certificate_id>/demander-un-duplicata/",
        duplicates.certificate_duplicate,
        name="training_certificate_duplicate",
    ),
    path(
        "sessions/<uuid:public_id>/stagiaires/<uuid:trainee_id>/ancienne-carte/",
        previous_cards.trainee_old_card,
        name="trainee_old_card",
    ),
    path(
        "sessions/<uuid:public_id>/stagiaires/<uuid:trainee_id>/registre/",
        previous_cards.trainee_record_lookup,
        name="trainee_record_lookup",
    ),
    path(
        "sessions/<uuid:public_id>/stagiaires/<uuid:trainee_id>/e-learning/",
        previous_cards.trainee_elearning,
        name="trainee_elearning",
    ),
    path(
        "sessions/<uuid:public_id>/stagiaires/preremplir/",
        previous_cards.trainee_prefill,
        name="trainee_prefill",
    ),
    # Trainer
    path("formateur/", trainer.to_validate, name="trainer_home"),
    path("formateur/sessions/<uuid:public_id>/", trainer.validate, name="trainer_training"),
    path("formateur/sessions/<uuid:public_id>/renvoyer/", trainer.return_training, name="trainer_return"),
    path("formateur/certificats/", trainer.my_certificates, name="trainer_certificates"),
    # Network administrators
    path("reseau/", network.home, name="network_home"),
    path("reseau/recherche/", network.search, name="network_search"),
    path(
        "reseau/certificats/<uuid:public_id>/revoquer/",
        network.certificate_revoke_view,
        name="network_certificate_revoke",
    ),
    path("reseau/organismes/", network.organisations, name="network_organisations"),
    path("reseau/organismes/nouveau/", network.organisation_create, name="network_organisation_create"),
    path("reseau/organismes/<uuid:public_id>/", network.organisation_detail, name="network_organisation"),
    path(
        "reseau/organismes/<uuid:public_id>/habilitations/", network.habilitation_add, name="network_habilitation_add"
    ),
    path("reseau/organismes/<uuid:public_id>/membres/", network.member_add, name="network_member_add"),
    path("reseau/habilitations/<int:pk>/terminer/", network.habilitation_end, name="network_habilitation_end"),
    path("reseau/membres/<int:pk>/retirer/", network.member_remove, name="network_member_remove"),
    path("reseau/membres/<int:pk>/inviter/", network.member_invite, name="network_member_invite"),
    path("reseau/formateurs/", network.trainers, name="network_trainers"),
    path("reseau/formateurs/nouveau/", network.trainer_create, name="network_trainer_create"),
    path("reseau/formateurs/<str:number>/", network.trainer_detail, name="network_trainer"),
    path(
        "reseau/formateurs/<str:number>/certifications/", network.certification_add, name="network_certification_add"
    ),
    path("reseau/formateurs/<str:number>/inviter/", network.trainer_invite, name="network_trainer_invite"),
    path(
        "reseau/certifications/<int:pk>/prolonger/", network.certification_extend, name="network_certification_extend"
    ),
    path("reseau/certifications/<int:pk>/terminer/", network.certification_end, name="network_certification_end"),
    path("reseau/dispositifs/", network.schemes, name="network_schemes"),
    path("reseau/dispositifs/<str:code>/duree/", network.scheme_months, name="network_scheme_months"),
    # Habilitation requests (instructors, CNH, national administrators) and the network's staff
    path("reseau/demandes/", network.requests_queue, name="network_requests"),
    path("reseau/demandes/<uuid:public_id>/", network.request_detail, name="network_request"),
    path(
        "reseau/demandes/<uuid:public_id>/documents/<uuid:document_id>/",
        network.request_document,
        name="network_request_document",
    ),
    path("reseau/demandes/<uuid:public_id>/prendre-en-charge/", network.request_review, name="network_request_review"),
    path(
        "reseau/demandes/<uuid:public_id>/complements/",
        network.request_complements,
        name="network_request_complements",
    ),
    path("reseau/demandes/<uuid:public_id>/avis/", network.request_opinion, name="network_request_opinion"),
    path("reseau/demandes/<uuid:public_id>/decision/", network.request_decision, name="network_request_decision"),
    path("reseau/equipe/", network.staff, name="network_staff"),
    path(
        "reseau/habilitations/<int:pk>/suspendre/", network.habilitation_suspend, name="network_habilitation_suspend"
    ),
    path(
        "reseau/habilitations/<int:pk>/retirer/", network.habilitation_withdraw, name="network_habilitation_withdraw"
    ),
    path("reseau/sessions-en-retard/", network.overdue_sessions, name="network_overdue"),
    path("reseau/sessions/<uuid:public_id>/derogation/", network.override_deadline, name="network_override"),
    path("reseau/statistiques/", network.statistics, name="network_statistics"),
    path("reseau/statistiques.csv", network.statistics_csv, name="network_statistics_csv"),
    # Public directory of habilitated organisations, and the renewal link of the expiry reminders
    path("organismes", directory.directory, name="directory"),
    path("habilitations/<int:pk>/renouveler/", habilitations.renewal, name="habilitation_renewal"),
    # --- The organisation's own pages (certiprev/www/habilitations/): « Mon organisme » and its requests ---------
    path("mon-organisme/", org_pages.home, name="org_home"),
    path("mon-organisme/<uuid:org_id>/", org_pages.organisation_detail, name="org_detail"),
    path("mon-organisme/<uuid:org_id>/modifier/", org_pages.organisation_edit, name="org_edit"),
    path("mon-organisme/<uuid:org_id>/membres/", org_pages.member_add, name="org_member_add"),
    path("mon-organisme/<uuid:org_id>/membres/<int:pk>/retirer/", org_pages.member_remove, name="org_member_remove"),
    path("mon-organisme/<uuid:org_id>/entites/nouvelle/", org_pages.entity_create, name="org_entity_create"),
    path("mon-organisme/<uuid:org_id>/entites/<uuid:entity_id>/", org_pages.entity_detail, name="org_entity"),
    path(
        "mon-organisme/<uuid:org_id>/entites/<uuid:entity_id>/modifier/", org_pages.entity_edit, name="org_entity_edit"
    ),
    path(
        "mon-organisme/<uuid:org_id>/entites/<uuid:entity_id>/membres/",
        org_pages.entity_member_add,
        name="org_entity_member_add",
    ),
    path("demandes/", request_pages.request_list, name="request_list"),
    path("demandes/nouvelle/", request_pages.request_create, name="request_create"),
    path("demandes/<uuid:public_id>/", request_pages.request_detail, name="request_detail"),
    path("demandes/<uuid:public_id>/modifier/", request_pages.request_edit, name="request_edit"),
    path("demandes/<uuid:public_id>/documents/", request_pages.document_add, name="request_document_add"),
    path(
        "demandes/<uuid:public_id>/documents/<uuid:document_id>/",
        request_pages.document_download,
        name="request_document",
    ),
    path("demandes/<uuid:public_id>/transmettre/", request_pages.request_transmit, name="request_transmit"),
    path("demandes/<uuid:public_id>/retirer/", request_pages.request_withdraw, name="request_withdraw"),
    # --- end of the organisation's own pages -----------------------------------------------------------------
    # Help
    path("aide/", help_views.index, name="help"),
    path("aide/organisme/", help_views.organisation, name="help_organisation"),
    path("aide/formateur/", help_views.trainer, name="help_trainer"),
]

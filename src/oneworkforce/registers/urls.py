from django.urls import path

from oneworkforce.registers import views

app_name = "registers"
urlpatterns = [
    path("", views.index, name="index"),
    path("programmes/", views.programmes, name="programmes"),
    path("programmes/<str:code>/", views.programme, name="programme"),
    path("programmes/<str:code>/members/", views.members, name="members"),
    path("memberships/<int:pk>/edit/", views.membership, name="membership"),
    path("programmes/<str:code>/reports/new/", views.report_new, name="report_new"),
    path("reports/<int:pk>/submit/", views.report_submit, name="report_submit"),
    path("portfolio/", views.portfolio, name="portfolio"),
    path("risks/", views.risks, name="risks"),
    path("baf/", views.baf, name="baf"),
    path("risks/<int:pk>/", views.risk, name="risk"),
    path("risks/<int:pk>/review/", views.risk_review, name="risk_review"),
    path("actions/", views.action_log, name="actions"),
    path("actions/<int:pk>/", views.action, name="action"),
    path("milestones/", views.milestones, name="milestones"),
    path("milestones/<int:pk>/", views.milestone, name="milestone"),
    path("benefits/", views.benefits, name="benefits"),
    path("benefits/<int:pk>/", views.benefit, name="benefit"),
    path("benefit-months/<int:pk>/edit/", views.benefit_month, name="benefit_month"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/<int:pk>/", views.meeting, name="meeting"),
    path("declarations/", views.declarations, name="declarations"),
    path("declarations/<int:pk>/edit/", views.declaration_edit, name="declaration_edit"),
    path(
        "interests/<int:pk>/organisations/",
        views.interest_organisations,
        name="interest_organisations",
    ),
    path("people/unresolved/", views.people_unresolved, name="people_unresolved"),
    path("published/declarations/", views.published_declarations, name="published_declarations"),
    path("new/<slug:key>/", views.new, name="new"),
    path("edit/<slug:key>/<int:pk>/", views.edit, name="edit"),
    path("archive/<slug:key>/<int:pk>/", views.archive, name="archive"),
    path("import/", views.import_view, name="import"),
    path("export/<slug:kind>.<slug:fmt>", views.export, name="export"),
]

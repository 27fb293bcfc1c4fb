from django.urls import path

from oneworkforce.web.accounts import views

urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", views.logout, name="logout"),
    path("accounts/", views.account, name="account"),
    path("accounts/sign-out-everywhere/", views.sign_out_everywhere, name="sign_out_everywhere"),
    path("start/", views.start, name="start"),
    # sign-in with an organisation's OpenID Connect provider (404 unless configured); the
    # redirect URI to register with the provider is /oidc/callback/ (with its trailing slash)
    path("oidc/authenticate/", views.OIDCStart.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", views.OIDCCallback.as_view(), name="oidc_authentication_callback"),
]

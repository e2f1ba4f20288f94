"""Top-level URLs: the REST API under /api/v1/, its schema and docs, and the admin."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("offices.api.urls")),
    path("api/v1/", include("parties.api.urls")),
    path("api/v1/", include("invoices.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its script from a URL, so no inline script is needed (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("compat/", include("compat.urls")),
    # Clerk UI (server-rendered pages; session login).
    path("", include("offices.ui_urls")),
    path("parties/", include("parties.ui_urls")),
    path("", include("invoices.ui_urls")),
]

handler404 = "invoicing_project.api.errors.json_404"
handler500 = "invoicing_project.api.errors.json_500"

from django.urls import path

from . import views

urlpatterns = [
    path("nop-ho-so/<str:code>/", views.fill, name="submission-fill"),
    path("nop-ho-so/<str:code>/xem-lai/", views.review, name="submission-review"),
    path("nop-ho-so/<str:code>/nop/", views.submit, name="submission-submit"),
]

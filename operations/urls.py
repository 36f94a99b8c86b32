from django.urls import path

from . import views

app_name = "operations"
urlpatterns = [
    path("account/data/", views.your_data, name="your_data"),
    path("account/data/download.json", views.download_data, name="download_data"),
    path("account/close/", views.close, name="close_account"),
]

from apps.scheduling.views import appointments, shifts, visits

app_name = "scheduling"

# Each views module lists its own routes (shifts and schedules; appointments; visits, clock-in
# and calendar feeds).
urlpatterns = shifts.urlpatterns + appointments.urlpatterns + visits.urlpatterns

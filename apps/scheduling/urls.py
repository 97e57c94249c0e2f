"""Every scheduling URL: shifts and schedules, appointments, then visits, clock-in and the
calendar feeds (the order the view modules listed them in)."""

from django.urls import path

from apps.scheduling.views import appointments, shifts, visits

app_name = "scheduling"

urlpatterns = [
    # shifts and schedules
    path("", shifts.home, name="home"),
    path("week/", shifts.week, name="week"),
    path("mine/", shifts.mine, name="mine"),
    path("open/", shifts.open_shifts, name="open_shifts"),
    path("staff/<uuid:staff_id>/", shifts.staff_week, name="staff_week"),
    path("shifts/new/", shifts.shift_create, name="shift_create"),
    path("shifts/quick-add/", shifts.quick_add, name="shift_quick_add"),
    path("shifts/<uuid:pk>/", shifts.shift_detail, name="shift"),
    path("shifts/<uuid:pk>/edit/", shifts.shift_edit, name="shift_edit"),
    path("shifts/<uuid:pk>/claim/", shifts.claim, name="shift_claim"),
    path("shifts/<uuid:pk>/assign/", shifts.assign, name="shift_assign"),
    path("schedules/", shifts.schedules, name="schedules"),
    path("schedules/new/", shifts.schedule_create, name="schedule_create"),
    path("schedules/<uuid:pk>/", shifts.schedule_detail, name="schedule"),
    path("schedules/<uuid:pk>/edit/", shifts.schedule_edit, name="schedule_edit"),
    path("schedules/<uuid:pk>/publish/", shifts.schedule_publish, name="schedule_publish"),
    path("schedules/<uuid:pk>/status/", shifts.schedule_status, name="schedule_status"),
    path("schedules/<uuid:pk>/copy-week/", shifts.schedule_copy_week, name="schedule_copy_week"),
    # appointments
    path("appointments/", appointments.calendar, name="appointments"),
    path("appointments/new/", appointments.appointment_create, name="appointment_create"),
    path("appointments/<uuid:pk>/", appointments.appointment_detail, name="appointment"),
    path("appointments/<uuid:pk>/edit/", appointments.appointment_edit, name="appointment_edit"),
    # visits (EVV), clocking in and out, calendar feeds
    path("shifts/<uuid:pk>/clock-in/", visits.shift_clock_in, name="shift_clock_in"),
    path("appointments/<uuid:pk>/clock-in/", visits.appointment_clock_in, name="appointment_clock_in"),
    path("visits/", visits.visit_list, name="visits"),
    path("visits/export.csv", visits.visit_export, name="visit_export"),
    path("visits/<uuid:pk>/", visits.visit_detail, name="visit"),
    path("visits/<uuid:pk>/clock-out/", visits.clock_out, name="clock_out"),
    path("visits/<uuid:pk>/correct/", visits.visit_correct, name="visit_correct"),
    path("visits/<uuid:pk>/resolve/", visits.visit_resolve, name="visit_resolve"),
    path("calendar-feed/", visits.calendar_feed, name="calendar_feed"),
    path("calendar-feed/create/", visits.calendar_feed_create, name="calendar_feed_create"),
    path("calendar-feed/revoke/", visits.calendar_feed_revoke, name="calendar_feed_revoke"),
    path("feed/<str:token>.ics", visits.feed, name="feed"),
]

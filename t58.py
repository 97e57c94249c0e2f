from h import *
au = login("auditor")
c = open("client_url.txt").read().strip().replace(au.base,"")
for u in [c+"edit/", c+"contacts/new/", c+"care-plans/new/", "/staff/new/", "/scheduling/shifts/new/", "/scheduling/schedules/new/", "/scheduling/appointments/new/", "/accounts/roles/new/", "/accounts/security/", "/notifications/templates/schedule.published/email/", "/accounts/people/invite/", "/clients/locations/new/", "/staff/training-programs/new/"]:
    try: print(go(au,u), u)
    except Exception as e: print("ERR", u, str(e)[:60])
# DSP: client not on care team
d = login("dsp")
for u in [c, c+"edit/", "/staff/", "/scheduling/week/", "/scheduling/shifts/1b34f037-a426-4a9c-a409-9c3486d209c1/", "/scheduling/visits/", "/files/", "/audit/"]:
    try: print("dsp", go(d,u), u)
    except Exception as e: print("ERR", u, str(e)[:60])

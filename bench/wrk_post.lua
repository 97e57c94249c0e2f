-- POST the sign-in form (body from the environment) and report like wrk_report.lua.
wrk.method = "POST"
wrk.body = os.getenv("WRK_BODY")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
dofile(os.getenv("WRK_REPORT"))

-- One page of the mixed load (bench/mixed.py): each request goes to the next organization of
-- the plan (a line: host, session key, path, tab-separated), so fifty organizations' caches and
-- sessions are in play; reports like wrk_report.lua.
local plan = {}
for line in io.lines(os.getenv("WRK_PLAN")) do
  local host, session, path = line:match("([^\t]+)\t([^\t]+)\t([^\t]+)")
  if host then
    plan[#plan + 1] = wrk.format("GET", path, { Host = host, Cookie = "sessionid=" .. session })
  end
end
local turn = 0
request = function()
  turn = turn + 1
  return plan[(turn % #plan) + 1]
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"p50_us":%d,"p95_us":%d,"p99_us":%d,"requests":%d,"duration_us":%d,"socket_errors":%d,"bad_status":%d}\n',
    latency:percentile(50), latency:percentile(95), latency:percentile(99), summary.requests,
    summary.duration, e.connect + e.read + e.write + e.timeout, e.status))
end

-- Prints one JSON line wrk's Python driver reads: latency percentiles, counts, errors.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"p50_us":%d,"p95_us":%d,"p99_us":%d,"requests":%d,"duration_us":%d,"socket_errors":%d,"bad_status":%d}\n',
    latency:percentile(50), latency:percentile(95), latency:percentile(99), summary.requests,
    summary.duration, e.connect + e.read + e.write + e.timeout, e.status))
end

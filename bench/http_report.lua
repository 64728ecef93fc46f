-- SPDX-License-Identifier: MIT
-- battstore — wrk script for bench/http: one tab-separated summary line when the run ends.
--
-- wrk -s bench/http_report.lua --latency ... prints its usual report,
-- then a line
--   wrk REQUESTS SECONDS REQ_PER_S P50_MS P99_MS MEAN_MS ERR_SOCKET ERR_STATUS ERR_TIMEOUT
-- where ERR_SOCKET counts connect/read/write errors and ERR_STATUS the
-- responses that were not 2xx/3xx.  Nothing runs per request: the
-- request is the command line's URL and headers, unchanged.

done = function(summary, latency, requests)
   local e = summary.errors
   local s = summary.duration / 1e6
   io.write(string.format("wrk\t%d\t%.3f\t%.1f\t%.3f\t%.3f\t%.3f\t%d\t%d\t%d\n",
      summary.requests, s, summary.requests / s,
      latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.mean / 1000,
      e.connect + e.read + e.write, e.status, e.timeout))
end

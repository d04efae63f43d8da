-- Statement day: residents open their statement (JSON) and its PDF, for random households.
-- Each request picks a line of the tokens file (household, period, resident token) at random;
-- every other request asks for the PDF (MODE=json or MODE=pdf asks for only one kind). Use:
--   TOKENS=/tmp/tokens.txt wrk -t2 -c200 -d60s --latency -s Billing.Benchmarks/statement-day/wrk.lua http://127.0.0.1:5080
local lines = {}
for line in io.lines(os.getenv("TOKENS") or "tokens.txt") do
  local household, period, token = line:match("^(%S+) (%S+) (%S+)$")
  if household then lines[#lines + 1] = { household, period, token } end
end

local mode = os.getenv("MODE") or "both"
local counter = 0
local statuses = {}

function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
end

function init(args)
  math.randomseed(os.time() + (seed or 0))
end

function request()
  local pick = lines[math.random(#lines)]
  counter = counter + 1
  local path = "/api/households/" .. pick[1] .. "/statements/" .. pick[2]
  if mode == "pdf" or (mode == "both" and counter % 2 == 0) then path = path .. ".pdf" end
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. pick[3] })
end

function response(status, headers, body)
  if status ~= 200 then
    statuses[status] = (statuses[status] or 0) + 1
    if (statuses[status] % 1000) == 1 then io.stderr:write("status " .. status .. "\n") end
  end
end

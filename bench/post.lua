-- wrk script: POST a chat completion request; MODEL and KEY come from the environment (bench/gateway.sh).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("KEY") or "none")
wrk.body = '{"model":"' .. (os.getenv("MODEL") or "bench") .. '","messages":[{"role":"user","content":"hi"}]}'

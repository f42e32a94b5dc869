#!/usr/bin/env bash
# HTTP client throughput against a canned local server (nginx answering 202 instantly),
# compared with the same machine's limit measured by wrk with the same request.
#   scripts/bench-http.sh [SECONDS]        (needs nginx and wrk: apt-get install nginx-light wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-5}
command -v nginx >/dev/null && command -v wrk >/dev/null || { echo "needs nginx and wrk (apt-get install -y nginx-light wrk)"; exit 2; }

cargo build --release --locked -p dogapi >/dev/null
ln -sf libdogapi.so target/release/libdogapi.so.0
cc -O2 -std=c11 -Wall -Wextra -Iinclude bench/http_bench.c -Ltarget/release -ldogapi -lpthread \
   -Wl,-rpath,"$PWD/target/release" -o target/release/http_bench

dir=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
cat > "$dir/nginx.conf" <<CONF
worker_processes 2;
pid $dir/nginx.pid;
error_log $dir/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 10000000;
  keepalive_timeout 60s;
  client_body_temp_path $dir;
  server {
    listen 127.0.0.1:$port;
    location / { default_type application/json; return 202 '{"status":"ok","event":{"id":1}}'; }
  }
}
CONF
nginx -c "$dir/nginx.conf" -p "$dir"
trap 'nginx -c "$dir/nginx.conf" -p "$dir" -s stop; rm -rf "$dir"' EXIT
sleep 0.3
cat > "$dir/post.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"title":"bench","text":"bench event"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
wrk.headers["DD-API-KEY"] = "bench-key"
wrk.headers["User-Agent"] = "libdogapi/0.1.0"
LUA
url="http://127.0.0.1:$port"
wrk1=$(wrk -t1 -c1 -d"${secs}s" -s "$dir/post.lua" "$url/api/v1/events" | awk '/Requests\/sec/ {print $2}')
wrk4=$(wrk -t4 -c4 -d"${secs}s" -s "$dir/post.lua" "$url/api/v1/events" | awk '/Requests\/sec/ {print $2}')
dog1=$(target/release/http_bench "$url" "$secs" 1 | awk '{print $2}')
dog4=$(target/release/http_bench "$url" "$secs" 4 | awk '{print $2}')
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
printf "%-34s %12s\n" "what" "requests/s"
printf "%-34s %12.0f\n" "wrk, 1 keep-alive connection" "$wrk1" "libdogapi, 1 thread" "$dog1" "wrk, 4 keep-alive connections" "$wrk4" "libdogapi, 4 threads, one client" "$dog4"
python3 -c "print('ratio 1 thread : %.2f (target >= 0.8)' % ($dog1/$wrk1)); print('ratio 4 threads: %.2f (target >= 0.7)' % ($dog4/$wrk4))"

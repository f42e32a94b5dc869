#!/usr/bin/env bash
# HTTP client throughput against a canned local server (nginx answering 202 instantly),
# compared with the same machine's limit measured by wrk with the same request.
#   [ROUNDS=3] [OLD=DIR] scripts/bench-http.sh [SECONDS]   (needs nginx and wrk: apt-get install nginx-light wrk)
# OLD: a directory holding another build's libdogapi.so (e.g. main's, copied aside), measured
# in the same rounds, for before/after figures from one run.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-5}
command -v nginx >/dev/null && command -v wrk >/dev/null || { echo "needs nginx and wrk (apt-get install -y nginx-light wrk)"; exit 2; }

cargo build --release --locked -p dogapi >/dev/null
# cargo writes to $CARGO_TARGET_DIR when it is set (as bench-stats.sh and demo.sh honour it)
rel=${CARGO_TARGET_DIR:-target}/release
case $rel in /*) ;; *) rel=$PWD/$rel ;; esac
ln -sf libdogapi.so "$rel/libdogapi.so.0"
cc -O2 -std=c11 -Wall -Wextra -Iinclude bench/http_bench.c -L"$rel" -ldogapi -lpthread \
   -Wl,-rpath,"$rel" -o "$rel/http_bench"
old=${OLD:-}
if [ -n "$old" ]; then
    old=$(cd "$old" && pwd)
    ln -sf libdogapi.so "$old/libdogapi.so.0"
    cc -O2 -std=c11 -Iinclude bench/http_bench.c -L"$old" -ldogapi -lpthread -Wl,-rpath,"$old" -o "$old/http_bench"
fi

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
rounds=${ROUNDS:-3}
# Interleave the four measurements and keep each one's median: this VM's scheduling moves the
# figures by tens of percent from one run to the next.
w1=(); w4=(); d1=(); d4=(); o1=(); o4=()
for _ in $(seq "$rounds"); do
    w1+=("$(wrk -t1 -c1 -d"${secs}s" -s "$dir/post.lua" "$url/api/v1/events" | awk '/Requests\/sec/ {print $2}')")
    d1+=("$("$rel/http_bench" "$url" "$secs" 1 | awk '{print $2}')")
    [ -z "$old" ] || o1+=("$("$old/http_bench" "$url" "$secs" 1 | awk '{print $2}')")
    w4+=("$(wrk -t4 -c4 -d"${secs}s" -s "$dir/post.lua" "$url/api/v1/events" | awk '/Requests\/sec/ {print $2}')")
    d4+=("$("$rel/http_bench" "$url" "$secs" 4 | awk '{print $2}')")
    [ -z "$old" ] || o4+=("$("$old/http_bench" "$url" "$secs" 4 | awk '{print $2}')")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
wrk1=$(median "${w1[@]}"); dog1=$(median "${d1[@]}"); wrk4=$(median "${w4[@]}"); dog4=$(median "${d4[@]}")
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load: $(cut -d' ' -f1-3 /proc/loadavg); $rounds rounds of ${secs}s, medians"
printf "%-34s %12s   %s\n" "what" "requests/s" "all rounds"
printf "%-34s %12.0f   %s\n" "wrk, 1 keep-alive connection" "$wrk1" "${w1[*]}" "libdogapi, 1 thread" "$dog1" "${d1[*]}" \
    "wrk, 4 keep-alive connections" "$wrk4" "${w4[*]}" "libdogapi, 4 threads, one client" "$dog4" "${d4[*]}"
python3 -c "print('ratio 1 thread : %.2f (target >= 0.8)' % ($dog1/$wrk1)); print('ratio 4 threads: %.2f (target >= 0.7)' % ($dog4/$wrk4))"
if [ -n "$old" ]; then
    old1=$(median "${o1[@]}"); old4=$(median "${o4[@]}")
    printf "%-34s %12.0f   %s\n" "OLD, 1 thread" "$old1" "${o1[*]}" "OLD, 4 threads, one client" "$old4" "${o4[*]}"
    python3 -c "print('OLD ratio 1 thread : %.2f' % ($old1/$wrk1)); print('OLD ratio 4 threads: %.2f' % ($old4/$wrk4))"
fi
